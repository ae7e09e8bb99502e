// The actions of the server's `window/showMessageRequest` warnings. The chosen action always
// goes back to the server as the answer (it rotates on "Rotate now" and snoozes on "Remind me
// tomorrow"); the shim runs the actions that are its own to do ("Show tokens"). No `vscode`
// import.

export interface ActionItem {
  title: string;
  /** The command the server names for this action, when it names one. */
  command?: string;
  [key: string]: unknown;
}

/** The shim's own commands that a server action may name. */
export const SHIM_COMMANDS: Record<string, string> = {
  "elitea.showTokens": "elitea.showTokens",
  "elitea.showStatus": "elitea.showStatus",
  "elitea.signIn": "elitea.signIn",
};

/** Titles the shim knows even when the server names no command. */
const BY_TITLE: Record<string, string> = {
  "show tokens": "elitea.showTokens",
  "sign in": "elitea.signIn",
  "show status": "elitea.showStatus",
};

/**
 * The VSCode command to run after answering the server, or `undefined` when the server does
 * the work itself (any action naming one of the server's commands, such as
 * `elitea.rotateToken` for "Rotate now") or there is nothing to do ("Remind me tomorrow").
 */
export function localCommandFor(
  item: ActionItem | undefined,
  serverCommands: readonly string[],
): string | undefined {
  if (!item) {
    return undefined;
  }
  if (typeof item.command === "string" && item.command.length > 0) {
    if (serverCommands.includes(item.command)) {
      return undefined;
    }
    return SHIM_COMMANDS[item.command];
  }
  return BY_TITLE[item.title.trim().toLowerCase()];
}
