// The leak guard's fixes (`tokenLeaked`), run as the server sends them: "Allow here" adds the
// finding to `.elitea-tokens-ignore`, and any other server command this extension has no
// screen for runs with the arguments the server gave, its answer's `message` shown.

import * as vscode from "vscode";

import { type CommandMap, Commands } from "../protocol";
import { type Ctx, reportError, shownPath } from "./common";

/** `elitea.allowLeak {uri, uuid}` from the "Allow here" quick fix. */
export async function allowLeak(ctx: Ctx, arg: unknown): Promise<void> {
  const a = arg as { uri?: unknown; uuid?: unknown } | undefined;
  if (typeof a?.uri !== "string" || typeof a.uuid !== "string") {
    void vscode.window.showWarningMessage("ELITEA: Allow here runs from the quick fix of a leaked token.");
    return;
  }
  try {
    const r = await ctx.server.execute(Commands.allowLeak, { uri: a.uri, uuid: a.uuid });
    const where = shownPath(r.ignoreFile);
    void vscode.window.showInformationMessage(r.added ? `Allowed here: ${r.entry} added to ${where}.` : `Already allowed: ${where} holds ${r.entry}.`);
  } catch (e) {
    reportError(e, "The token was not allowed here");
  }
}

/**
 * A command of the server's (a quick fix it added) that the extension does not register
 * itself: sent back with its first argument, so that its fix never meets "command not found".
 */
export async function runAsServerSays(ctx: Ctx, command: keyof CommandMap, arg: unknown): Promise<void> {
  try {
    const r = (await ctx.server.execute(command, (arg ?? {}) as never)) as { message?: unknown } | null;
    ctx.refreshStatus();
    if (typeof r?.message === "string" && r.message.length > 0) {
      void vscode.window.showInformationMessage(r.message);
    }
  } catch (e) {
    reportError(e);
  }
}
