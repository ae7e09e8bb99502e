// The status bar item: the token in use and its state, from `elitea/tokenStatus`.

import * as vscode from "vscode";

import { statusBarView } from "./format";
import type { TokenInUse } from "./protocol";
import type { ServerState } from "./server";

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private tokens: TokenInUse[] = [];
  private signedIn: boolean | undefined;
  private serverState: ServerState = "starting";
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.item = vscode.window.createStatusBarItem("elitea.tokenStatus", vscode.StatusBarAlignment.Right, 100);
    this.item.name = "ELITEA Tokens";
    this.render();
    this.item.show();
    // Labels count down ("in 5 minutes"); the server speaks only when the state changes.
    this.timer = setInterval(() => this.render(), 20_000);
  }

  get tokensInUse(): TokenInUse[] {
    return this.tokens;
  }

  setTokens(tokens: TokenInUse[]): void {
    this.tokens = tokens;
    this.render();
  }

  setSignedIn(signedIn: boolean | undefined): void {
    this.signedIn = signedIn;
    this.render();
  }

  setServerState(state: ServerState): void {
    this.serverState = state;
    this.render();
  }

  private render(): void {
    if (this.serverState === "notFound" || this.serverState === "stopped") {
      this.item.text = "$(key) ELITEA $(error)";
      this.item.tooltip =
        this.serverState === "notFound"
          ? "ELITEA Tokens: the language server was not found. Click to see the logs."
          : "ELITEA Tokens: the language server is not running. Click to see the logs.";
      this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
      this.item.command = "elitea.showLogs";
      return;
    }
    const view = statusBarView(this.tokens, this.signedIn, new Date());
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor =
      view.severity === "error"
        ? new vscode.ThemeColor("statusBarItem.errorBackground")
        : view.severity === "warning"
          ? new vscode.ThemeColor("statusBarItem.warningBackground")
          : undefined;
    this.item.command = this.signedIn === false && this.tokens.length === 0 ? "elitea.signIn" : "elitea.showTokens";
  }

  dispose(): void {
    clearInterval(this.timer);
    this.item.dispose();
  }
}
