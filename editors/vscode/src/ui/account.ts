// Sign In, Sign Out, Select Model and Show Status.

import * as os from "node:os";

import * as vscode from "vscode";

import { inUseName, parseProjectId, signedInSentence, statusSymbol, tildePath, userWords, validateServerUrl } from "../format";
import type { ServerUrlRule, StatusResult, UserInfo } from "../protocol";
import { toServerError } from "../serverError";
import { type Ctx, reportError } from "./common";

const SANDBOX = "sandbox";

/**
 * Step 1: the server, typed or picked; `sandbox` is offered to try without an account. What is
 * typed is checked with the server's own rule for an address (`rules.serverUrl`).
 */
async function askServer(rule: ServerUrlRule): Promise<string | undefined> {
  const configured = vscode.workspace.getConfiguration("elitea").get<string>("serverUrl")?.trim();
  type Item = vscode.QuickPickItem & { url: string };
  const fixed: Item[] = [];
  if (configured && configured !== SANDBOX) {
    fixed.push({ label: configured, description: "from the elitea.serverUrl setting", url: configured });
  }
  fixed.push({
    label: SANDBOX,
    description: "Try it without an account: an ELITEA sandbox inside the language server",
    url: SANDBOX,
  });
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = "ELITEA: Sign In (1/3): server";
  qp.placeholder = "Type your ELITEA server's address (https://…) or pick one";
  qp.ignoreFocusOut = true;
  qp.items = fixed;
  const update = (v: string) => {
    const typed = v.trim();
    if (typed.length === 0 || fixed.some((f) => f.url === typed)) {
      qp.items = fixed;
      return;
    }
    const why = validateServerUrl(typed, rule);
    // Shown as typed, so that the typed address can be chosen as it is.
    qp.items = [{ label: typed, description: why ?? "Sign in to this server", url: typed, alwaysShow: true }, ...fixed];
  };
  qp.onDidChangeValue(update);
  return new Promise<string | undefined>((resolve) => {
    let chosen: string | undefined;
    qp.onDidAccept(() => {
      const item = qp.selectedItems[0] ?? qp.activeItems[0];
      const url = item?.url ?? qp.value.trim();
      const why = validateServerUrl(url, rule);
      if (why) {
        qp.items = [{ label: url || "(empty)", description: why, url: "", alwaysShow: true }, ...fixed];
        return;
      }
      chosen = url.replace(/\/+$/, "");
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(chosen);
      qp.dispose();
    });
    qp.show();
  });
}

export async function signIn(ctx: Ctx): Promise<void> {
  const serverUrl = await askServer((await ctx.server.rules()).serverUrl);
  if (!serverUrl) {
    return;
  }
  const sandbox = serverUrl === SANDBOX;
  const configuredProject = vscode.workspace.getConfiguration("elitea").get<number | null>("projectId");
  const projectText = await vscode.window.showInputBox({
    title: "ELITEA: Sign In (2/3): project",
    prompt: "Your ELITEA project id. Leave empty for your personal project.",
    placeHolder: "e.g. 123 (empty: personal project)",
    value: typeof configuredProject === "number" ? String(configuredProject) : "",
    ignoreFocusOut: true,
    validateInput: (v) => {
      const r = parseProjectId(v);
      return "error" in r ? r.error : undefined;
    },
  });
  if (projectText === undefined) {
    return;
  }
  const parsed = parseProjectId(projectText);
  const projectId = "value" in parsed ? parsed.value : null;
  const token = await vscode.window.showInputBox({
    title: "ELITEA: Sign In (3/3): token",
    prompt: sandbox
      ? "Leave empty to use the sandbox's own token, or paste a token the sandbox issued."
      : `Paste a personal access token from ${serverUrl} (Settings → Tokens). ELITEA Tokens keeps it in its secret store (elitea.secrets.store).`,
    placeHolder: sandbox ? "(empty: the sandbox's token)" : "Your ELITEA token",
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (!sandbox && v.trim().length === 0 ? "Paste your ELITEA token." : undefined),
  });
  if (token === undefined) {
    return;
  }
  // The server answers sign-in before it knows the user's name, and sends it with the next
  // elitea/tokenStatus: listen from before the request so that it cannot be missed.
  let named: UserInfo | undefined;
  let onNamed: (() => void) | undefined;
  const listener = ctx.server.onTokenStatus((p) => {
    if (p.user && (p.user.name || p.user.email)) {
      named = p.user;
      onNamed?.();
    }
  });
  try {
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Signing in to ${sandbox ? "the ELITEA sandbox" : serverUrl}…` },
      () =>
        ctx.server.execute("elitea.signIn", {
          serverUrl,
          token: token.trim(),
          ...(projectId !== null ? { projectId } : {}),
        }),
    );
    if (sandbox) {
      await ctx.rememberSandbox(r.serverUrl);
    }
    let user: UserInfo = r.user;
    if (!user.name && !user.email) {
      if (!named) {
        await new Promise<void>((resolve) => {
          onNamed = resolve;
          setTimeout(resolve, 5_000);
        });
      }
      user = named ?? user;
    }
    listener.dispose();
    ctx.refreshStatus();
    const project = r.projectId ? ` Project ${r.projectId}.` : "";
    const c = await vscode.window.showInformationMessage(`${signedInSentence(user, ctx.where(r.serverUrl))}${project}`, "Open Personal Tokens", "Generate Token");
    if (c === "Open Personal Tokens") {
      void vscode.commands.executeCommand("elitea.openTokensPage");
    } else if (c === "Generate Token") {
      void vscode.commands.executeCommand("elitea.generateToken");
    }
  } catch (e) {
    reportError(e, "Not signed in");
  } finally {
    listener.dispose();
  }
}

export async function signOut(ctx: Ctx): Promise<void> {
  try {
    await ctx.server.execute("elitea.signOut", {});
    ctx.refreshStatus();
    void vscode.window.showInformationMessage("Signed out of ELITEA. Your tokens and settings files are unchanged.");
  } catch (e) {
    reportError(e, "Not signed out");
  }
}

/**
 * A model named by hand, for a server without the models endpoint: the project and the model
 * name are asked for, and the server keeps them unchecked.
 */
async function enterModelByHand(ctx: Ctx): Promise<void> {
  const project = await vscode.window.showInputBox({
    title: "ELITEA: Enter a Model by Hand (1/2)",
    prompt: "The project id the settings files name",
    placeHolder: "123",
    ignoreFocusOut: true,
    validateInput: (t) => {
      const p = parseProjectId(t);
      return "error" in p ? p.error : p.value === null ? "Give the project id, a whole number." : undefined;
    },
  });
  const parsed = project === undefined ? undefined : parseProjectId(project);
  if (!parsed || "error" in parsed || parsed.value === null) {
    return;
  }
  const name = await vscode.window.showInputBox({
    title: "ELITEA: Enter a Model by Hand (2/2)",
    prompt: "The model configuration's name, as ELITEA shows it",
    ignoreFocusOut: true,
    validateInput: (t) => (t.trim().length === 0 ? "Give the model's name." : undefined),
  });
  if (name === undefined) {
    return;
  }
  try {
    const r = await ctx.server.execute("elitea.selectModel", {
      projectId: parsed.value,
      name: name.trim(),
      manual: true,
    });
    ctx.refreshStatus();
    void vscode.window.showInformationMessage(
      `Settings will name the model ${r.selected.name} (project ${r.selected.projectId}), entered by hand and not checked.`,
    );
  } catch (e) {
    reportError(e, "Model not selected");
  }
}

export async function selectModel(ctx: Ctx): Promise<void> {
  type Item = vscode.QuickPickItem & { name: string; projectId: number; byHand?: boolean };
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = "ELITEA: Select Model";
  qp.placeholder = "The model configuration the settings files name";
  qp.busy = true;
  qp.show();
  try {
    const r = await ctx.server.execute("elitea.listModels", {});
    qp.items = r.items.map((m) => {
      const notes = [`project ${m.projectId}`];
      if (m.default) {
        notes.push("default");
      }
      if (m.shared) {
        notes.push("shared");
      }
      const selected = r.selected?.name === m.name && r.selected.projectId === m.projectId;
      return {
        label: `${selected ? "$(check) " : ""}${m.displayName}`,
        description: `${m.name} · ${notes.join(" · ")}`,
        name: m.name,
        projectId: m.projectId,
      };
    });
    if (r.items.length === 0) {
      qp.placeholder = "This project has no model configuration: add one in ELITEA first";
    }
    qp.items = [
      ...qp.items,
      { label: "$(edit) Enter a model by hand…", description: "for a server without the models list", name: "", projectId: 0, byHand: true },
    ];
    qp.busy = false;
  } catch (e) {
    qp.hide();
    const err = toServerError(e);
    // No models endpoint on this deployment: the user can still name the model.
    if (err.kind === "notFound" || err.kind === "settingsUnavailable") {
      const c = await vscode.window.showWarningMessage(err.message, "Enter a Model by Hand");
      if (c === "Enter a Model by Hand") {
        await enterModelByHand(ctx);
      }
      return;
    }
    reportError(e, "Models cannot be listed");
    return;
  }
  const chosen = await new Promise<Item | undefined>((resolve) => {
    let c: Item | undefined;
    qp.onDidAccept(() => {
      c = qp.selectedItems[0];
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(c);
      qp.dispose();
    });
  });
  if (!chosen) {
    return;
  }
  if (chosen.byHand) {
    await enterModelByHand(ctx);
    return;
  }
  try {
    const r = await ctx.server.execute("elitea.selectModel", { name: chosen.name, projectId: chosen.projectId });
    ctx.refreshStatus();
    void vscode.window.showInformationMessage(`Settings will name the model ${r.selected.name} (project ${r.selected.projectId}).`);
  } catch (e) {
    reportError(e, "Model not selected");
  }
}

export function statusLines(s: StatusResult, where: (url: string | null | undefined) => string): string[] {
  const lines: string[] = [];
  if (s.signedIn) {
    const who = s.user ? userWords(s.user) : "unknown user";
    lines.push(`Signed in to ${where(s.serverUrl)} as ${who}.`);
    lines.push(`Project: ${s.projectId ?? "personal (not known yet)"}.`);
    lines.push(
      `Model: ${s.model ? `${s.model.name} (project ${s.model.projectId})${s.model.manual ? ", entered by hand, not checked" : ""}` : "none selected"}.`,
    );
  } else {
    lines.push("Not signed in.");
  }
  lines.push(s.settingsAvailable ? "Settings can be written." : `Settings cannot be written: ${s.settingsUnavailableReason ?? "unknown reason"}`);
  lines.push(`Secrets kept in: ${s.secretsStore}.`);
  if (s.tokensInUse.length === 0) {
    lines.push("No token is used in your settings files.");
  } else {
    lines.push("Tokens in use:");
    for (const t of s.tokensInUse) {
      const state = t.revoked ? "revoked on the server" : t.status.label;
      lines.push(`  ${statusSymbol(t.status.kind, t.revoked)} ${inUseName(t)}: ${state} (${t.files.map((f) => tildePath(f, os.homedir())).join(", ")})`);
    }
  }
  for (const w of s.warnings) {
    lines.push(`⚠ ${w}`);
  }
  return lines;
}

export async function showStatus(ctx: Ctx, onStatus: (s: StatusResult) => void): Promise<void> {
  let s: StatusResult;
  try {
    s = await ctx.server.execute("elitea.status", {});
  } catch (e) {
    reportError(e, "Status unavailable");
    return;
  }
  onStatus(s);
  const buttons = s.signedIn ? ["Open Personal Tokens", "Select Model", "Sign Out"] : ["Sign In"];
  const [first, ...rest] = statusLines(s, ctx.where);
  const c = await vscode.window.showInformationMessage(first ?? "ELITEA", { modal: true, detail: rest.join("\n") }, ...buttons);
  const map: Record<string, string> = {
    "Open Personal Tokens": "elitea.openTokensPage",
    "Select Model": "elitea.selectModel",
    "Sign Out": "elitea.signOut",
    "Sign In": "elitea.signIn",
  };
  if (c && map[c]) {
    void vscode.commands.executeCommand(map[c]);
  }
}
