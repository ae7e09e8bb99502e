// Generate Token: a name checked as it is typed (pattern here, uniqueness from the server's
// list), an expiration, then the value shown once in a modal with Copy and Apply.

import * as vscode from "vscode";

import {
  describeExpiration,
  EXPIRATION_CHOICES,
  type ExpirationChoice,
  toExpiration,
  validateExpirationValue,
  validateTokenName,
} from "../format";
import type { Expiration, GeneratedToken } from "../protocol";
import { type Ctx, reportError } from "./common";
import { applyToVscode } from "./settings";

/** The names of all the user's tokens, for the uniqueness check. */
async function takenNames(ctx: Ctx): Promise<Set<string>> {
  const names = new Set<string>();
  for (let page = 0; page < 1000; page++) {
    const p = await ctx.server.execute("elitea.listTokens", { sortBy: "name", order: "asc", pageSize: 100, page });
    for (const r of p.items) {
      if (r.name) {
        names.add(r.name);
      }
    }
    if ((page + 1) * 100 >= p.total || p.items.length === 0) {
      break;
    }
  }
  return names;
}

async function askName(ctx: Ctx): Promise<string | undefined> {
  let taken: Set<string> | undefined;
  try {
    taken = await takenNames(ctx);
  } catch (e) {
    reportError(e);
    return undefined;
  }
  return vscode.window.showInputBox({
    title: "ELITEA: Generate Token (1/3): name",
    prompt: "Letters, digits, '-' and '_'; unique among your tokens",
    placeHolder: "e.g. VSCode-Dev",
    ignoreFocusOut: true,
    validateInput: (v) => validateTokenName(v, taken),
  });
}

export async function askExpiration(title: (step: string) => string, extra: ExpirationChoice[] = []): Promise<Expiration | "same" | undefined> {
  type Item = vscode.QuickPickItem & { choice?: ExpirationChoice; same?: boolean };
  const items: Item[] = [
    ...extra.map((c) => ({ label: c.label, description: c.description, same: true })),
    ...EXPIRATION_CHOICES.map((c) => ({ label: c.label, description: c.description, choice: c })),
  ];
  const picked = await new Promise<Item | undefined>((resolve) => {
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = title("expiration");
    qp.placeholder = "When the token stops working";
    qp.ignoreFocusOut = true;
    qp.items = items;
    // Days (30) is the default, as in the web UI; "same as before" first when offered.
    const first = items.find((i) => i.same) ?? items.find((i) => i.choice?.measure === "days");
    if (first) {
      qp.activeItems = [first];
    }
    let chosen: Item | undefined;
    qp.onDidAccept(() => {
      chosen = qp.selectedItems[0] ?? qp.activeItems[0];
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(chosen);
      qp.dispose();
    });
    qp.show();
  });
  if (!picked) {
    return undefined;
  }
  if (picked.same) {
    return "same";
  }
  const choice = picked.choice!;
  if (choice.measure === "never") {
    return { measure: "never" };
  }
  const value = await vscode.window.showInputBox({
    title: title(choice.label.toLowerCase()),
    prompt: `How many ${choice.measure}?`,
    value: String(choice.defaultValue ?? 30),
    ignoreFocusOut: true,
    validateInput: (v) => validateExpirationValue(v, choice.measure),
  });
  if (value === undefined) {
    return undefined;
  }
  return toExpiration(choice.measure, value);
}

export async function generateToken(ctx: Ctx): Promise<void> {
  const name = await askName(ctx);
  if (name === undefined) {
    return;
  }
  const expiration = await askExpiration((s) => `ELITEA: Generate Token (${s === "expiration" ? 2 : 3}/3): ${s}`);
  if (expiration === undefined || expiration === "same") {
    return;
  }
  let made: GeneratedToken;
  try {
    made = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Generating '${name}'…` },
      () => ctx.server.execute("elitea.generateToken", { name, expiration }),
    );
  } catch (e) {
    reportError(e, `'${name}' was not generated`);
    return;
  }
  ctx.refreshStatus();
  await showOnce(ctx, made, expiration);
}

/**
 * The one time the value is shown: a modal with the value, Copy (which shows the dialog again,
 * so that the value can still be applied), and Apply to User or Workspace Settings.
 */
async function showOnce(ctx: Ctx, made: GeneratedToken, expiration: Expiration): Promise<void> {
  const hasFolder = (vscode.workspace.workspaceFolders ?? []).some((f) => f.uri.scheme === "file");
  const buttons = ["Copy", "Apply to User Settings", ...(hasFolder ? ["Apply to Workspace Settings"] : [])];
  let copied = false;
  for (;;) {
    const detail = [
      made.token,
      "",
      `This is the only time the value is shown. It ${describeExpiration(expiration) === "never expires" ? "never expires" : `expires in ${describeExpiration(expiration)}`}.`,
      made.valueKnown ? "It is kept in your keyring, so settings written for it later will work." : "",
      made.warning ?? "",
      copied ? "Copied to the clipboard." : "",
    ]
      .filter((l, i) => i < 2 || l.length > 0)
      .join("\n");
    const choice = await vscode.window.showInformationMessage(
      `Token '${made.name ?? made.uuid}' generated (${made.masked})`,
      { modal: true, detail },
      ...buttons,
    );
    if (choice === "Copy") {
      await vscode.env.clipboard.writeText(made.token);
      copied = true;
      continue;
    }
    if (choice === "Apply to User Settings") {
      await applyToVscode(ctx, made, "user");
    } else if (choice === "Apply to Workspace Settings") {
      await applyToVscode(ctx, made, "workspace");
    }
    return;
  }
}
