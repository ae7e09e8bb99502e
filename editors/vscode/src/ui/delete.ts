// Delete Token: the user types the token's name; Enter is refused until it matches, and the
// server checks it again.

import * as vscode from "vscode";

import { deleteConfirmation } from "../format";
import type { TokenRow } from "../protocol";
import { toServerError } from "../serverError";
import { type Ctx, pickToken, reportError } from "./common";

/** Resolves to whether the token was deleted. */
export async function deleteToken(ctx: Ctx, row?: TokenRow): Promise<boolean> {
  row ??= await pickToken(ctx, "ELITEA: Delete Token: which token?");
  if (!row) {
    return false;
  }
  const target = row;
  // What the server takes as the confirmation: the name, else the uuid (its `confirmName`).
  const name = target.confirmName;
  const box = vscode.window.createInputBox();
  box.title = `Delete token '${target.displayName}' (${target.masked})`;
  box.prompt = `Type '${name}' to delete it. Anything that uses this token stops working.`;
  box.placeholder = name;
  box.ignoreFocusOut = true;
  return new Promise<boolean>((resolve) => {
    let done = false;
    let deleting = false;
    const finish = (deleted: boolean) => {
      if (!done) {
        done = true;
        resolve(deleted);
      }
    };
    box.onDidChangeValue((v) => {
      // While typing: a hint, not an error; an error only once Enter was refused.
      if (box.validationMessage && deleteConfirmation(v, name) === undefined) {
        box.validationMessage = undefined;
      }
    });
    box.onDidAccept(async () => {
      if (deleting) {
        return;
      }
      const why = deleteConfirmation(box.value, name);
      if (why) {
        box.validationMessage = { message: why, severity: vscode.InputBoxValidationSeverity.Error };
        return;
      }
      deleting = true;
      box.busy = true;
      box.enabled = false;
      try {
        const confirmName = box.value;
        let r;
        try {
          r = await ctx.server.execute("elitea.deleteToken", { uuid: target.uuid, confirmName });
        } catch (e) {
          const err = toServerError(e);
          if (err.kind !== "tokenInUse") {
            throw err;
          }
          // Still written in a live settings file: the user decides, knowing what breaks.
          box.hide();
          const c = await vscode.window.showWarningMessage(err.message, { modal: true }, "Rotate Instead", "Delete Anyway");
          if (c === "Rotate Instead") {
            void vscode.commands.executeCommand("elitea.rotateToken", target);
            finish(false);
            return;
          }
          if (c !== "Delete Anyway") {
            finish(false);
            return;
          }
          r = await ctx.server.execute("elitea.deleteToken", { uuid: target.uuid, confirmName, force: true });
        }
        finish(r.deleted === target.uuid);
        box.hide();
        void vscode.window.showInformationMessage(
          `Token '${target.displayName}' deleted. ELITEA may still accept it for up to a minute.`,
        );
        ctx.refreshStatus();
      } catch (e) {
        box.hide();
        reportError(e, `'${target.displayName}' was not deleted`);
        finish(false);
      }
    });
    box.onDidHide(() => {
      finish(false);
      box.dispose();
    });
    box.show();
  });
}
