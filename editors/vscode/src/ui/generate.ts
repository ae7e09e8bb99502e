// Generate Token: a name checked as it is typed (with the server's rules, and one search of the
// server's list for the name), an expiration within the server's limits, then the value shown
// once in a modal with Copy and Apply (the Personal Tokens page shows it in the page instead).

import * as vscode from "vscode";

import type { ReplaceFix } from "../actions";
import * as paging from "../paging";
import type { Expiration, GeneratedToken, GenerateTokenParams, Measure, Rules } from "../protocol";
import { defaultValue, takenMessage, toExpiration, validateExpirationValue, validateName } from "../rules";
import { type Ctx, reportError } from "./common";
import { applyToVscode } from "./settings";

/**
 * Whether the user already has a token named exactly `name`: one list, searched on the server
 * for that name (the server's `conflict` answer to generate is the final word).
 */
async function isTaken(ctx: Ctx, rules: Rules, name: string): Promise<boolean> {
  const p = await ctx.server.execute("elitea.listTokens", paging.toQuery({ ...paging.initialState(Math.max(...rules.pageSizes)), search: name }));
  return p.items.some((r) => r.name === name);
}

async function askName(ctx: Ctx, title: string, proposed?: string): Promise<string | undefined> {
  const rules = await ctx.server.rules();
  return vscode.window.showInputBox({
    title,
    prompt: `${rules.name.hint} Unique among your tokens.`,
    placeHolder: "e.g. VSCode-Dev",
    value: proposed,
    ignoreFocusOut: true,
    validateInput: async (v) => {
      const why = validateName(v, rules);
      if (why) {
        return why;
      }
      try {
        return (await isTaken(ctx, rules, v)) ? takenMessage(v) : undefined;
      } catch {
        // The list failed (network): the server checks again when generating.
        return undefined;
      }
    },
  });
}

export interface SameChoice {
  label: string;
  description: string;
}

export async function askExpiration(ctx: Ctx, title: (step: string) => string, extra: SameChoice[] = []): Promise<Expiration | "same" | undefined> {
  const rules = await ctx.server.rules();
  const measures = rules.expiration.measures;
  type Item = vscode.QuickPickItem & { measure?: Measure; same?: boolean };
  const items: Item[] = [
    ...extra.map((c) => ({ label: c.label, description: c.description, same: true })),
    ...measures.map((m) => {
      const d = defaultValue(rules, m.measure);
      const limits = typeof m.min === "number" && typeof m.max === "number" ? `${m.min} to ${m.max}` : "";
      return {
        label: m.label,
        description: m.measure === "never" ? "The token does not expire" : [limits, d !== undefined && m.measure === rules.expiration.default.measure ? `${d} unless you say otherwise` : ""].filter(Boolean).join(" · "),
        measure: m.measure,
      };
    }),
  ];
  const picked = await new Promise<Item | undefined>((resolve) => {
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = title("expiration");
    qp.placeholder = "When the token stops working";
    qp.ignoreFocusOut = true;
    qp.items = items;
    // The server's default measure first; "same as before" first when offered.
    const first = items.find((i) => i.same) ?? items.find((i) => i.measure && i.measure === rules.expiration.default.measure);
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
  const rule = measures.find((m) => m.measure === picked.measure)!;
  if (rule.measure === "never") {
    return { measure: "never" };
  }
  const d = defaultValue(rules, rule.measure);
  const value = await vscode.window.showInputBox({
    title: title(rule.label.toLowerCase()),
    prompt: `How many ${rule.label.toLowerCase()}?`,
    value: d !== undefined ? String(d) : "",
    ignoreFocusOut: true,
    validateInput: (v) => validateExpirationValue(v, rule),
  });
  if (value === undefined) {
    return undefined;
  }
  return toExpiration(rule.measure, value);
}

/** Asks name and expiration, generates; `undefined` when the user gave up or it failed. */
export async function generateInteractive(ctx: Ctx, replace?: ReplaceFix): Promise<GeneratedToken | undefined> {
  const what = replace ? "Replace with a New Token" : "Generate Token";
  const name = await askName(ctx, `ELITEA: ${what} (1/3): name`, replace?.name);
  if (name === undefined) {
    return undefined;
  }
  const expiration = await askExpiration(ctx, (s) => `ELITEA: ${what} (${s === "expiration" ? 2 : 3}/3): ${s}`);
  if (expiration === undefined || expiration === "same") {
    return undefined;
  }
  try {
    const params: GenerateTokenParams = { name, expiration, ...(replace ? { replaceIn: replace.replaceIn } : {}) };
    const made = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Generating '${name}'…` },
      () => ctx.server.execute("elitea.generateToken", params),
    );
    ctx.refreshStatus();
    return made;
  } catch (e) {
    reportError(e, `'${name}' was not generated`);
    return undefined;
  }
}

export async function generateToken(ctx: Ctx, replace?: ReplaceFix): Promise<void> {
  const made = await generateInteractive(ctx, replace);
  if (!made) {
    return;
  }
  if (replace) {
    // The value is in the document now (unsaved): not shown; a warning says when it is not.
    if (!made.warning) {
      const file = vscode.Uri.parse(replace.replaceIn.uri);
      void vscode.window.showInformationMessage(
        `'${made.displayName}' generated (${made.masked}, expires: ${made.status.label}) and written in ${vscode.workspace.asRelativePath(file)}.`,
      );
      return;
    }
  }
  await showOnce(ctx, made);
}

/**
 * The one time the value is shown: a modal with the value, Copy (which shows the dialog again,
 * so that the value can still be applied), and Apply to User or Workspace Settings.
 */
async function showOnce(ctx: Ctx, made: GeneratedToken): Promise<void> {
  const hasFolder = (vscode.workspace.workspaceFolders ?? []).some((f) => f.uri.scheme === "file");
  const buttons = ["Copy", "Apply to User Settings", ...(hasFolder ? ["Apply to Workspace Settings"] : [])];
  let copied = false;
  for (;;) {
    const detail = [
      made.token,
      "",
      `This is the only time the value is shown. Expires: ${made.status.label}.`,
      keptSentence(made),
      made.warning ?? "",
      copied ? "Copied to the clipboard." : "",
    ]
      .filter((l, i) => i < 2 || l.length > 0)
      .join("\n");
    const choice = await vscode.window.showInformationMessage(
      `Token '${made.displayName}' generated (${made.masked})`,
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

/** Where the value is kept, in the server's words, or that it is not: never a guess. */
export function keptSentence(made: GeneratedToken): string {
  if (made.keptIn) {
    return `It is kept in ${made.keptIn}, so settings written for it later will work.`;
  }
  return made.valueKnown ? "" : "It could not be kept here: copy it now, settings written later will lack it.";
}
