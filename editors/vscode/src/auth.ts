// The "ELITEA" authentication provider: the signed-in account in VSCode's Accounts menu, with
// Sign Out there, as the GitHub and GitLab extensions do. The credential stays in the
// server's store: a session's `accessToken` is empty, since nothing outside the server needs
// it (and no other extension should be handed it).

import * as vscode from "vscode";

import { userWords } from "./format";
import type { StatusResult } from "./protocol";

export const PROVIDER_ID = "elitea";

export class EliteaAuthProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.emitter.event;
  private session: vscode.AuthenticationSession | undefined;
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly signIn: () => Promise<void>,
    private readonly signOut: () => Promise<void>,
    private readonly status: () => Promise<StatusResult | undefined>,
  ) {
    this.registration = vscode.authentication.registerAuthenticationProvider(PROVIDER_ID, "ELITEA", this, {
      supportsMultipleAccounts: false,
    });
  }

  /** Follows the server's status: an account appears on sign-in and goes on sign-out. */
  update(s: StatusResult): void {
    const before = this.session;
    if (s.signedIn && s.user) {
      const label = userWords(s.user);
      if (before?.account.label === label) {
        return;
      }
      this.session = { id: `${s.serverUrl ?? ""}#${s.user.id}`, accessToken: "", account: { id: String(s.user.id), label }, scopes: [] };
      this.emitter.fire({ added: [this.session], removed: before ? [before] : [], changed: [] });
      // Asking for the session (silently) is what lists the account in the Accounts menu.
      void vscode.authentication.getSession(PROVIDER_ID, [], { silent: true }).then(undefined, () => undefined);
    } else if (before) {
      this.session = undefined;
      this.emitter.fire({ added: [], removed: [before], changed: [] });
    }
  }

  async getSessions(): Promise<vscode.AuthenticationSession[]> {
    return this.session ? [this.session] : [];
  }

  async createSession(): Promise<vscode.AuthenticationSession> {
    await this.signIn();
    await this.status();
    if (!this.session) {
      throw new Error("Not signed in to ELITEA.");
    }
    return this.session;
  }

  async removeSession(): Promise<void> {
    await this.signOut();
  }

  dispose(): void {
    this.registration.dispose();
    this.emitter.dispose();
  }
}
