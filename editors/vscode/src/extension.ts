// ELITEA Tokens for VSCode: starts `elitea-tokens lsp` and turns its protocol into commands,
// pickers, dialogs and a status bar item. All the logic stays in the server.

import * as vscode from "vscode";

import type { StatusResult, TokenRow } from "./protocol";
import { Server } from "./server";
import { StatusBar } from "./statusBar";
import { signIn, signOut, selectModel, showStatus } from "./ui/account";
import { type Ctx } from "./ui/common";
import { deleteToken } from "./ui/delete";
import { generateToken } from "./ui/generate";
import { rotateToken } from "./ui/rotate";
import { applySettingsCommand, previewSettings } from "./ui/settings";
import { showTokens } from "./ui/tokens";

let server: Server | undefined;

/** A row passed by another command (Show Tokens) or by a user's keybinding with arguments. */
function asRow(arg: unknown): TokenRow | undefined {
  const r = arg as Partial<TokenRow> | undefined;
  return r && typeof r.uuid === "string" && r.status ? (r as TokenRow) : undefined;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("ELITEA Tokens", { log: true });
  const srv = new Server(context, output);
  server = srv;
  const bar = new StatusBar();
  context.subscriptions.push(output, srv, bar);

  const onStatus = (s: StatusResult) => {
    bar.setSignedIn(s.signedIn);
    bar.setTokens(s.tokensInUse);
  };
  let refreshing = false;
  const refreshStatus = () => {
    if (refreshing) {
      return;
    }
    refreshing = true;
    srv
      .execute("elitea.status", {})
      .then(onStatus, (e) => output.debug(`status: ${String(e)}`))
      .finally(() => {
        refreshing = false;
      });
  };
  const ctx: Ctx = { server: srv, refreshStatus };

  context.subscriptions.push(
    srv.onTokenStatus((p) => bar.setTokens(p.tokensInUse ?? [])),
    srv.onDidChangeState((s) => {
      bar.setServerState(s);
      if (s === "running") {
        refreshStatus();
      }
    }),
  );

  const register = (id: string, fn: (...args: unknown[]) => unknown) =>
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          await fn(...args);
        } catch (e) {
          output.error(`${id}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
          void vscode.window.showErrorMessage(`ELITEA: ${id} failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      }),
    );
  register("elitea.signIn", () => signIn(ctx));
  register("elitea.signOut", () => signOut(ctx));
  register("elitea.showTokens", () => showTokens(ctx, () => bar.tokensInUse));
  register("elitea.generateToken", () => generateToken(ctx));
  register("elitea.deleteToken", (a) => deleteToken(ctx, asRow(a)));
  register("elitea.previewSettings", (a) => previewSettings(ctx, asRow(a)));
  register("elitea.applySettings", (a) => applySettingsCommand(ctx, asRow(a)));
  register("elitea.rotateToken", (a) => rotateToken(ctx, asRow(a)));
  register("elitea.selectModel", () => selectModel(ctx));
  register("elitea.showStatus", () => showStatus(ctx, onStatus));
  register("elitea.showLogs", () => output.show());
  register("elitea.restartServer", async () => {
    await srv.restart();
    if (srv.currentState === "running") {
      void vscode.window.showInformationMessage("ELITEA language server restarted.");
    }
  });

  // Not awaited: VSCode should not wait for the server to finish activating the extension.
  void srv.start();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}
