// The status bar item: signed out, signed in, or the token in use that needs attention, with
// the server's labels (from `elitea.status` and `elitea/tokenStatus`).

import * as os from "node:os";

import * as vscode from "vscode";

import { statusBarView } from "./format";
import type { TokenInUse } from "./protocol";
import type { ServerState } from "./server";

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private tokens: TokenInUse[] = [];
  private signedIn: boolean | undefined;
  private where: string | undefined;
  private serverState: ServerState = "starting";

  constructor() {
    this.item = vscode.window.createStatusBarItem("elitea.tokenStatus", vscode.StatusBarAlignment.Right, 100);
    this.item.name = "ELITEA Tokens";
    this.render();
    this.item.show();
  }

  get tokensInUse(): TokenInUse[] {
    return this.signedIn ? this.tokens : [];
  }

  setTokens(tokens: TokenInUse[]): void {
    this.tokens = tokens;
    this.render();
  }

  /** `where`: the server as the user knows it ("the ELITEA sandbox (http://…)"). */
  setSignedIn(signedIn: boolean | undefined, where?: string): void {
    this.signedIn = signedIn;
    this.where = where;
    this.render();
  }

  setServerState(state: ServerState): void {
    this.serverState = state;
    this.render();
  }

  private render(): void {
    if (this.serverState === "notFound" || this.serverState === "stopped") {
      this.item.text = "$(key) ELITEA $(error)";
      const tooltip =
        this.serverState === "notFound"
          ? "ELITEA Tokens: the language server was not found. Click to see the logs."
          : "ELITEA Tokens: the language server is not running. Click to see the logs.";
      this.item.tooltip = tooltip;
      this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
      this.item.command = "elitea.showLogs";
      this.item.accessibilityInformation = { label: tooltip };
      return;
    }
    const view = statusBarView(this.tokens, this.signedIn, this.where, os.homedir());
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    // Screen readers get what the tooltip says, not only the icon's neighbour text.
    this.item.accessibilityInformation = { label: `${view.text.replace(/\$\([a-z-]+\)\s*/g, "")}. ${view.tooltip.replace(/\n+/g, " ")}` };
    this.item.backgroundColor =
      view.severity === "error"
        ? new vscode.ThemeColor("statusBarItem.errorBackground")
        : view.severity === "warning"
          ? new vscode.ThemeColor("statusBarItem.warningBackground")
          : undefined;
    this.item.command = view.command;
  }

  dispose(): void {
    this.item.dispose();
  }
}
