// Rotate Token: a new token that replaces the old one wherever it is in use, checked, and the
// old one deleted if the user wants. The server does all of it; this asks the choices first.

import * as vscode from "vscode";

import type { RotateTokenParams, TokenRow } from "../protocol";
import { type Ctx, pickToken, reportError, tokenTitle } from "./common";
import { askExpiration } from "./generate";

export async function rotateToken(ctx: Ctx, row?: TokenRow): Promise<void> {
  row ??= await pickToken(ctx, "ELITEA: Rotate Token: which token?");
  if (!row) {
    return;
  }
  const target = row;
  const expiration = await askExpiration(ctx, (s) => `ELITEA: Rotate ${tokenTitle(target)}: ${s}`, [
    { label: "Same as before", description: "The old token's lifetime (the server's default when unknown)" },
  ]);
  if (expiration === undefined) {
    return;
  }
  const del = await vscode.window.showQuickPick(
    [
      { label: "$(trash) Delete the old token", description: "once the new one is written and works", deleteOld: true },
      { label: "$(history) Keep the old token", description: "delete it later yourself", deleteOld: false },
    ],
    { title: `ELITEA: Rotate ${tokenTitle(target)}: the old token`, ignoreFocusOut: true },
  );
  if (!del) {
    return;
  }
  const params: RotateTokenParams = { uuid: target.uuid, deleteOld: del.deleteOld };
  if (expiration !== "same") {
    params.expiration = expiration;
  }
  try {
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Rotating '${target.displayName}'…` },
      () => ctx.server.execute("elitea.rotateToken", params),
    );
    ctx.refreshStatus();
    const c = await vscode.window.showInformationMessage(r.message, "Open Personal Tokens");
    if (c) {
      void vscode.commands.executeCommand("elitea.openTokensPage");
    }
  } catch (e) {
    reportError(e, `'${target.displayName}' was not rotated`);
  }
}

/**
 * The server's own quick fix ("Rotate 'X' (new token here and in N other files)") names
 * `elitea.rotateToken` with its params: run them as given, without asking again.
 */
export function isServerRotate(a: unknown): a is RotateTokenParams {
  const x = a as Partial<TokenRow> | undefined;
  return !!x && typeof x.uuid === "string" && x.status === undefined;
}

export async function rotateAsServerSays(ctx: Ctx, params: RotateTokenParams): Promise<void> {
  try {
    const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: "Rotating the ELITEA token…" }, () =>
      ctx.server.execute("elitea.rotateToken", params),
    );
    ctx.refreshStatus();
    const c = await vscode.window.showInformationMessage(r.message, "Open Personal Tokens");
    if (c) {
      void vscode.commands.executeCommand("elitea.openTokensPage");
    }
  } catch (e) {
    reportError(e, "The token was not rotated");
  }
}
