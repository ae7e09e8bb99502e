// What every command shares: the server, how failures are shown, and a token picker.

import * as os from "node:os";

import * as vscode from "vscode";

import { rowItem, tildePath } from "../format";
import type { TokenRow } from "../protocol";
import { type ServerError, toServerError } from "../serverError";
import type { Server } from "../server";

export interface Ctx {
  server: Server;
  /** Asks the status bar, the account and the Personal Tokens page to look again. */
  refreshStatus: () => void;
  /** Remembers the address the embedded sandbox answered from. */
  rememberSandbox: (url: string) => Thenable<void>;
  /** A server address as every message names it ("the ELITEA sandbox (http://…)"). */
  where: (url: string | null | undefined) => string;
}

/**
 * Shows a failure as a notification whose button leads to the fix. Returns the error, for
 * callers that decide something on its kind.
 */
export function reportError(e: unknown, what?: string): ServerError {
  const err = toServerError(e);
  const text = what ? `${what}: ${err.message}` : err.message;
  const then = (choice: string | undefined) => {
    switch (choice) {
      case "Sign In":
        return vscode.commands.executeCommand("elitea.signIn");
      case "Select Model":
        return vscode.commands.executeCommand("elitea.selectModel");
      case "Show Logs":
        return vscode.commands.executeCommand("elitea.showLogs");
      case "Restart Server":
        return vscode.commands.executeCommand("elitea.restartServer");
      case "Open Settings":
        return vscode.commands.executeCommand("workbench.action.openSettings", "elitea.secrets.store");
      case "Use VSCode's Secret Storage":
        // Takes effect on the restart the settings change offers.
        return vscode.workspace
          .getConfiguration("elitea")
          .update("secrets.store", "editor", vscode.ConfigurationTarget.Global);
      default:
        return undefined;
    }
  };
  switch (err.kind) {
    case "notSignedIn":
      void vscode.window.showWarningMessage(text, "Sign In").then(then);
      break;
    case "credentialRejected":
      void vscode.window.showErrorMessage(text, "Sign In").then(then);
      break;
    case "settingsUnavailable":
      void vscode.window.showWarningMessage(text, "Select Model").then(then);
      break;
    case "keyringUnavailable":
      void vscode.window.showErrorMessage(text, "Use VSCode's Secret Storage", "Open Settings").then(then);
      break;
    case "unavailable":
      void vscode.window.showErrorMessage(text, "Show Logs", "Restart Server").then(then);
      break;
    case "invalidParams":
    case "notFound":
    case "conflict":
    case "tokenInUse":
      void vscode.window.showWarningMessage(text);
      break;
    default:
      void vscode.window.showErrorMessage(text, "Show Logs").then(then);
  }
  return err;
}

export interface TokenPickItem extends vscode.QuickPickItem {
  row?: TokenRow;
}

export function tokenItem(row: TokenRow, buttons?: vscode.QuickInputButton[]): TokenPickItem {
  const v = rowItem(row);
  // The state's icon sits in the description, before its label: `...ab12   $(warning) in 3 days`.
  const item: TokenPickItem = {
    label: v.label,
    description: v.description,
    alwaysShow: true,
    row,
  };
  if (v.detail) {
    item.detail = v.detail;
  }
  if (buttons) {
    item.buttons = buttons;
  }
  return item;
}

/** VSCode sorts filtered rows by label unless told not to (a property not in every API). */
export function keepServerOrder(qp: vscode.QuickPick<vscode.QuickPickItem>): void {
  try {
    (qp as unknown as { sortByLabel: boolean }).sortByLabel = false;
  } catch {
    // An editor without the property sorts as it likes.
  }
}

/**
 * Asks for one of the user's tokens, searching on the server as the user types. Returns
 * `undefined` when the user gave up.
 */
export async function pickToken(ctx: Ctx, title: string, placeholder = "Type to search your tokens by name"): Promise<TokenRow | undefined> {
  const qp = vscode.window.createQuickPick<TokenPickItem>();
  qp.title = title;
  qp.placeholder = placeholder;
  qp.matchOnDescription = false;
  qp.matchOnDetail = false;
  qp.ignoreFocusOut = true;
  keepServerOrder(qp as vscode.QuickPick<vscode.QuickPickItem>);
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  const load = async (search: string) => {
    const mine = ++seq;
    qp.busy = true;
    try {
      const page = await ctx.server.execute("elitea.listTokens", {
        search: search.trim() || null,
        sortBy: "name",
        order: "asc",
        pageSize: 100,
        page: 0,
      });
      if (mine !== seq) {
        return;
      }
      qp.items = page.items.map((r) => tokenItem(r));
      if (page.items.length === 0) {
        qp.items = [{ label: search.trim() ? `No token matches '${search.trim()}'` : "You have no tokens yet", alwaysShow: true }];
      } else if (page.total > page.items.length) {
        qp.placeholder = `${page.total} tokens: type to narrow the list`;
      }
    } catch (e) {
      if (mine === seq) {
        qp.hide();
        reportError(e);
      }
    } finally {
      if (mine === seq) {
        qp.busy = false;
      }
    }
  };
  return new Promise<TokenRow | undefined>((resolve) => {
    let done = false;
    const finish = (row: TokenRow | undefined) => {
      if (!done) {
        done = true;
        resolve(row);
        qp.dispose();
      }
    };
    qp.onDidChangeValue((v) => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(v), 200);
    });
    let chosen: TokenRow | undefined;
    qp.onDidAccept(() => {
      const row = (qp.selectedItems[0] ?? qp.activeItems[0])?.row;
      if (row) {
        chosen = row;
        qp.hide();
      }
    });
    qp.onDidHide(() => finish(chosen));
    qp.show();
    void load("");
  });
}

export function tokenTitle(row: TokenRow): string {
  return `'${row.displayName}' (${row.masked})`;
}

/**
 * A settings file as a message names it: relative to the workspace when inside it
 * (`.vscode/settings.json`), else its path with `~` for the home folder. The server sends
 * paths without words for apply, migrate and the tokens in use; the shim adds none of its own.
 */
export function shownPath(file: string): string {
  const rel = vscode.workspace.asRelativePath(file);
  return rel !== file ? rel : tildePath(file, os.homedir());
}
