// ELITEA Tokens for VSCode: starts `elitea-tokens lsp` and turns its protocol into a Personal
// Tokens page, commands, pickers, dialogs, an account and a status bar item. All the logic
// stays in the server.

import * as vscode from "vscode";

import { asReplaceFix } from "./actions";
import { EliteaAuthProvider } from "./auth";
import { serverWords } from "./format";
import { DOCUMENT_SELECTOR } from "./options";
import { type CommandMap, Commands, type StatusResult, type TokenRow } from "./protocol";
import { Server } from "./server";
import { StatusBar } from "./statusBar";
import { TokensPage } from "./tokensPage";
import { signIn, signOut, selectModel, showStatus } from "./ui/account";
import { migrateSettings } from "./ui/migrate";
import { type Ctx } from "./ui/common";
import { deleteToken } from "./ui/delete";
import { allowLeak, runAsServerSays } from "./ui/leaks";
import { generateToken } from "./ui/generate";
import { isServerRotate, rotateAsServerSays, rotateToken } from "./ui/rotate";
import { applySettingsCommand, PREVIEW_SCHEME, previewApply, previewCopy, previews, previewSaveAs, previewSettings } from "./ui/settings";
import { showTokens } from "./ui/tokens";

let server: Server | undefined;

/** A row passed by another command (Show Tokens) or by a user's keybinding with arguments. */
function asRow(arg: unknown): TokenRow | undefined {
  const r = arg as Partial<TokenRow> | undefined;
  return r && typeof r.uuid === "string" && r.status ? (r as TokenRow) : undefined;
}

/** Whether a diagnostic is the server's `tokenLeaked` (its code, as a string or `{value}`). */
function leakCode(d: vscode.Diagnostic): boolean {
  const code = typeof d.code === "object" ? d.code.value : d.code;
  return code === "tokenLeaked";
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("ELITEA Tokens", { log: true });
  const srv = new Server(context, output);
  server = srv;
  const hasFolder = () => (vscode.workspace.workspaceFolders ?? []).some((f) => f.uri.scheme === "file");
  const bar = new StatusBar();
  context.subscriptions.push(output, srv, bar);
  // The leak guard's fixes on any file the server marked tokenLeaked: the settings files are
  // the language client's own (its document selector); every other file asks here, and only
  // when one of its diagnostics is the server's leak.
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider(
      { scheme: "file" },
      {
        provideCodeActions: (document, range, codeActionContext) =>
          vscode.languages.match(DOCUMENT_SELECTOR, document) > 0 ||
          !codeActionContext.diagnostics.some((d) => d.source === "elitea" && leakCode(d))
            ? []
            : srv.leakActions(document, range, codeActionContext),
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
  );

  // The embedded sandbox's address, remembered at sign-in, so that every message names it
  // the same way: "the ELITEA sandbox (http://127.0.0.1:…)".
  const sandboxUrl = () => context.globalState.get<string>("elitea.sandboxUrl");
  const where = (url: string | null | undefined) => serverWords(url ?? "", sandboxUrl());

  let refreshing: Promise<StatusResult | undefined> | undefined;
  const auth = new EliteaAuthProvider(
    () => signIn(ctx),
    () => signOut(ctx),
    () => refreshStatus(),
  );
  context.subscriptions.push(auth);

  const onStatus = (s: StatusResult) => {
    bar.setSignedIn(s.signedIn, s.signedIn ? where(s.serverUrl) : undefined);
    bar.setTokens(s.tokensInUse);
    auth.update(s);
  };
  const refreshStatus = (): Promise<StatusResult | undefined> => {
    refreshing ??= srv
      .execute("elitea.status", {})
      .then(
        (s) => {
          onStatus(s);
          return s;
        },
        (e) => {
          output.debug(`status: ${String(e)}`);
          return undefined;
        },
      )
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  };
  const ctx: Ctx = {
    server: srv,
    refreshStatus: () => {
      void refreshStatus();
      TokensPage.refreshIfOpen();
    },
    rememberSandbox: (url) => context.globalState.update("elitea.sandboxUrl", url),
    where,
  };

  const openPage = () => TokensPage.show(ctx, context.extensionUri, hasFolder);

  context.subscriptions.push(
    srv.onTokenStatus((p) => {
      bar.setTokens(p.tokensInUse ?? []);
      if (p.user) {
        // The name arrived after sign-in: the account and the tooltips say it now.
        void refreshStatus();
      }
      TokensPage.refreshIfOpen();
    }),
    srv.onLocalAction(() => void vscode.commands.executeCommand("elitea.openTokensPage")),
    srv.onDidChangeState((s) => {
      bar.setServerState(s);
      if (s === "running") {
        void refreshStatus();
      }
    }),
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, previews),
    // A closed preview tab forgets its content (it may hold a token value). Not on a closed
    // document: setting the preview's language closes and reopens its document.
    vscode.window.tabGroups.onDidChangeTabs((e) => {
      for (const tab of e.closed) {
        if (tab.input instanceof vscode.TabInputText && tab.input.uri.scheme === PREVIEW_SCHEME) {
          previews.forget(tab.input.uri);
        }
      }
    }),
    // The server's labels ("in 5 minutes") are its own: ask again now and then rather than
    // count down here.
    (() => {
      const timer = setInterval(() => {
        if (bar.tokensInUse.some((t) => t.status.kind === "warning")) {
          void refreshStatus();
        }
      }, 30_000);
      return { dispose: () => clearInterval(timer) };
    })(),
  );

  const registered = new Set<string>();
  const register = (id: string, fn: (...args: unknown[]) => unknown) =>
    registered.add(id) &&
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
  register("elitea.openTokensPage", () => openPage());
  register("elitea.showTokens", () => showTokens(ctx));
  register("elitea.generateToken", (a) => generateToken(ctx, asReplaceFix(a)));
  register("elitea.deleteToken", (a) => deleteToken(ctx, asRow(a)));
  register("elitea.previewSettings", (a) => previewSettings(ctx, asRow(a)));
  register("elitea.applySettings", (a) => applySettingsCommand(ctx, asRow(a)));
  register("elitea.rotateToken", (a) => (isServerRotate(a) ? rotateAsServerSays(ctx, a) : rotateToken(ctx, asRow(a))));
  register("elitea.selectModel", () => selectModel(ctx));
  register("elitea.showStatus", () => showStatus(ctx, onStatus));
  register("elitea.showLogs", () => output.show());
  // From the palette, and from the server's settingsLegacy quick fix (its `{path}`).
  register("elitea.migrateSettings", (a) => migrateSettings(ctx, a));
  // The leak guard's "Allow here" quick fix.
  register("elitea.allowLeak", (a) => allowLeak(ctx, a));
  register("elitea.preview.copy", (u) => previewCopy(u instanceof vscode.Uri ? u : undefined));
  register("elitea.preview.saveAs", (u) => previewSaveAs(u instanceof vscode.Uri ? u : undefined));
  register("elitea.preview.apply", (u) => previewApply(ctx, u instanceof vscode.Uri ? u : undefined));
  register("elitea.restartServer", async () => {
    await srv.restart();
    if (srv.currentState === "running") {
      void vscode.window.showInformationMessage("ELITEA language server restarted.");
    }
  });

  // Every other command of the server (schemas/ through src/protocol.ts): a quick fix it sends
  // runs as it says, even before this extension has a screen for it.
  for (const command of Object.values(Commands)) {
    if (!registered.has(command)) {
      register(command, (a) => runAsServerSays(ctx, command as keyof CommandMap, a));
    }
  }

  // Not awaited: VSCode should not wait for the server to finish activating the extension.
  void srv.start();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}
