// Preview Settings, Apply Settings, and "save for JetBrains": the server renders and writes;
// this asks where, shows the result, and offers the way out of each refusal.

import * as os from "node:os";
import * as path from "node:path";

import * as vscode from "vscode";

import { applyQuestion } from "../applyAnswers";
import { tildePath } from "../format";
import { jetbrainsFile, settingsSchemaOf } from "../options";
import type { ApplySettingsParams, Ide, PreviewResult, Schema, TokenRow } from "../protocol";
import { toServerError } from "../serverError";
import { type Ctx, pickToken, reportError, shownPath, tokenTitle } from "./common";

/** The schema the server writes with, as elitea.settingsSchema says (default current). */
function schemaSetting(): Schema {
  return settingsSchemaOf(vscode.workspace.getConfiguration("elitea").get<string>("settingsSchema"));
}

function folders(): vscode.WorkspaceFolder[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === "file");
}

/**
 * Writes the settings for `row`, answering the server's refusals (src/applyAnswers.ts decides
 * on the error's kind and reason): a token whose value is not kept here can be written without
 * the token; a file git would share needs a confirmation; an expired token is replaced by a
 * new one, or written anyway.
 */
/**
 * Where the settings went, as the toast names it: the place the user picked (user settings, a
 * workspace folder, a JetBrains project), not a reading of the path the server answers with,
 * which the toast leaves to its Open File button. A file target is named by its path.
 */
function pickedPlace(p: ApplySettingsParams, written: string): string {
  const folder = p.target.path ?? folders()[0]?.uri.fsPath;
  if (p.target.kind === "user") {
    return "your user settings";
  }
  if (p.target.kind === "workspace" && folder) {
    const name = path.basename(folder);
    return p.ide === "jetbrains" ? `JetBrains project ${name}` : `workspace settings (${name})`;
  }
  return shownPath(written);
}

export async function applyWithAnswers(ctx: Ctx, row: TokenRow, params: ApplySettingsParams): Promise<boolean> {
  // The schema (legacy or current) is the server's to choose, from elitea.settingsSchema.
  let p: ApplySettingsParams = { ...params };
  // Each question adds one flag that is never offered again: a bounded exchange.
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const r = await ctx.server.execute("elitea.applySettings", p);
      // One toast: where, as the user picked it, and a button to the file instead of its path.
      const where = pickedPlace(p, r.path);
      const keys = r.changedKeys.length;
      const withToken = r.tokenIncluded ? "" : " (without the token)";
      // What the server did besides writing, as its answer says (schemas/applySettings.result.json).
      const backup =
        (r.backupPath ? " The previous file was backed up." : "") +
        (r.syncProtected ? " Settings Sync will not upload the token (its keys are in settingsSync.ignoredSettings)." : "") +
        (r.madePrivate ? " Others could read the file: it is now readable by you only." : "");
      const text = r.replacedBy
        ? `'${row.displayName}' had expired: ELITEA settings for its replacement '${r.replacedBy.displayName}' (${r.replacedBy.masked}, expires: ${r.replacedBy.status.label}) written to ${where}.${backup}`
        : keys === 0
          ? `${where[0]!.toUpperCase()}${where.slice(1)} already hold the ELITEA settings for '${row.displayName}'.`
          : `ELITEA settings for '${row.displayName}'${withToken} written to ${where}.${backup}`;
      ctx.refreshStatus();
      const choice = await vscode.window.showInformationMessage(text, "Open File");
      if (choice === "Open File") {
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(r.path));
        await vscode.window.showTextDocument(doc);
      }
      return true;
    } catch (e) {
      const err = toServerError(e);
      const question = applyQuestion(err, p);
      if (!question) {
        reportError(err);
        return false;
      }
      const titles = question.choices.map((c) => c.title);
      const picked = await vscode.window.showWarningMessage(err.message, { modal: true }, ...titles);
      const choice = question.choices.find((c) => c.title === picked);
      if (choice?.resend) {
        p = { ...p, ...choice.resend };
        continue;
      }
      if (choice?.command) {
        void vscode.commands.executeCommand(choice.command, row);
      }
      return false;
    }
  }
  return false;
}

/** Apply to VSCode: user settings, or one workspace folder's `.vscode/settings.json`. */
export async function applyToVscode(ctx: Ctx, row: TokenRow, target?: "user" | "workspace"): Promise<boolean> {
  if (target === "user") {
    return applyWithAnswers(ctx, row, { uuid: row.uuid, ide: "vscode", target: { kind: "user" } });
  }
  type Item = vscode.QuickPickItem & { kind2: "user" | "workspace"; folder?: string };
  const items: Item[] = [
    {
      label: "$(account) User Settings",
      description: "every window of this VSCode profile",
      kind2: "user",
    },
  ];
  for (const f of folders()) {
    items.push({
      label: `$(folder) Workspace Settings: ${f.name}`,
      description: tildePath(path.join(f.uri.fsPath, ".vscode", "settings.json"), os.homedir()),
      kind2: "workspace",
      folder: f.uri.fsPath,
    });
  }
  let chosen: Item | undefined;
  if (target === "workspace") {
    const ws = items.filter((i) => i.kind2 === "workspace");
    if (ws.length === 0) {
      void vscode.window.showWarningMessage("No folder is open: open a folder to write workspace settings, or apply to your user settings.");
      return false;
    }
    chosen = ws.length === 1 ? ws[0] : await vscode.window.showQuickPick(ws, { title: `Apply ${tokenTitle(row)} to which workspace?` });
  } else {
    chosen = await vscode.window.showQuickPick(items, {
      title: `Apply the ELITEA settings for ${tokenTitle(row)} to`,
      placeHolder: "Where the ELITEA Code plugin should find them",
    });
  }
  if (!chosen) {
    return false;
  }
  return applyWithAnswers(ctx, row, {
    uuid: row.uuid,
    ide: "vscode",
    target: chosen.kind2 === "user" ? { kind: "user" } : { kind: "workspace", path: chosen.folder ?? null },
  });
}

/** Save for JetBrains: `.idea/elitea.xml` (or, legacy schema, `alita.xml`) in a project folder. */
export async function saveForJetBrains(ctx: Ctx, row: TokenRow): Promise<boolean> {
  type Item = vscode.QuickPickItem & { folder?: string };
  const items: Item[] = folders().map((f) => ({
    label: `$(folder) ${f.name}`,
    description: tildePath(f.uri.fsPath, os.homedir()),
    folder: f.uri.fsPath,
  }));
  items.push({ label: "$(folder-opened) Choose a project folder…" });
  const chosen =
    items.length === 1
      ? items[0]
      : await vscode.window.showQuickPick(items, {
          title: `Save the JetBrains settings for ${tokenTitle(row)} into which project?`,
          placeHolder: "The project folder that holds (or will hold) .idea/",
        });
  if (!chosen) {
    return false;
  }
  let folder = chosen.folder;
  if (!folder) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      title: "The JetBrains project folder",
      openLabel: "Save Settings Here",
    });
    folder = picked?.[0]?.fsPath;
    if (!folder) {
      return false;
    }
  }
  return applyWithAnswers(ctx, row, { uuid: row.uuid, ide: "jetbrains", target: { kind: "workspace", path: folder } });
}

/** Apply Settings from the palette: which token, then where. */
export async function applySettingsCommand(ctx: Ctx, row?: TokenRow): Promise<void> {
  row ??= await pickToken(ctx, "ELITEA: Apply Settings: which token?");
  if (!row) {
    return;
  }
  const c = await vscode.window.showQuickPick(
    [
      { label: "$(vscode) VSCode", description: "settings.json: user or workspace", ide: "vscode" as Ide },
      { label: "$(symbol-class) JetBrains", description: `${jetbrainsFile(schemaSetting())} in a project`, ide: "jetbrains" as Ide },
    ],
    { title: `Apply the ELITEA settings for ${tokenTitle(row)} for` },
  );
  if (!c) {
    return;
  }
  if (c.ide === "vscode") {
    await applyToVscode(ctx, row);
  } else {
    await saveForJetBrains(ctx, row);
  }
}

/**
 * Preview Settings: the file the server renders, in a read-only `elitea-preview:` document
 * with Copy, Save As… and Apply in its title bar; the reason instead when settings cannot be
 * offered.
 */
export async function previewSettings(ctx: Ctx, row?: TokenRow, ide?: Ide): Promise<void> {
  row ??= await pickToken(ctx, "ELITEA: Preview Settings: which token?");
  if (!row) {
    return;
  }
  if (!ide) {
    const c = await vscode.window.showQuickPick(
      [
        { label: "$(vscode) VSCode", description: "settings.json for the ELITEA Code plugin", ide: "vscode" as Ide },
        { label: "$(symbol-class) JetBrains", description: `${jetbrainsFile(schemaSetting())} for the ELITEA plugin`, ide: "jetbrains" as Ide },
      ],
      { title: `Preview the ELITEA settings for ${tokenTitle(row)} for` },
    );
    if (!c) {
      return;
    }
    ide = c.ide;
  }
  let preview: PreviewResult;
  try {
    preview = await ctx.server.execute("elitea.previewSettings", { uuid: row.uuid, ide });
  } catch (e) {
    reportError(e, "Settings cannot be previewed");
    return;
  }
  await openPreview(ctx, row, ide, preview);
}

/** The `elitea-preview:` documents: read-only, never dirty, never named like a real file. */
export const PREVIEW_SCHEME = "elitea-preview";

interface PreviewDoc {
  row: TokenRow;
  ide: Ide;
  result: PreviewResult;
}

export class PreviewDocuments implements vscode.TextDocumentContentProvider {
  private readonly docs = new Map<string, PreviewDoc>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.query)?.result.content ?? "This preview is no longer available: preview the settings again.";
  }

  set(uri: vscode.Uri, doc: PreviewDoc): void {
    this.docs.set(uri.query, doc);
    this.emitter.fire(uri);
  }

  /**
   * By the query (`uuid-ide-schema`), not the whole URI: the workbench may hand the URI back
   * encoded differently (the title holds quotes, spaces and parentheses).
   */
  get(uri: vscode.Uri | undefined): PreviewDoc | undefined {
    return uri?.scheme === PREVIEW_SCHEME ? this.docs.get(uri.query) : undefined;
  }

  /** Forgets a closed preview (its content may hold a token value). */
  forget(uri: vscode.Uri): void {
    this.docs.delete(uri.query);
  }
}

export const previews = new PreviewDocuments();

async function openPreview(ctx: Ctx, row: TokenRow, ide: Ide, preview: PreviewResult): Promise<void> {
  const schema = schemaSetting();
  const title = `ELITEA settings for '${row.displayName}' (${ide === "vscode" ? "VSCode" : "JetBrains"}, ${schema})`;
  // The title is the path's last segment; the query keeps two previews of one token apart.
  const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${title}`, query: `${row.uuid}-${ide}-${schema}` });
  previews.set(uri, { row, ide, result: preview });
  let doc = await vscode.workspace.openTextDocument(uri);
  doc = await vscode.languages.setTextDocumentLanguage(doc, preview.language === "xml" ? "xml" : "jsonc");
  await vscode.window.showTextDocument(doc, { preview: false });
  const notes: string[] = [];
  if (preview.tokenIncluded) {
    notes.push("It holds the token's real value: keep it private.");
  }
  if (preview.note) {
    notes.push(preview.note);
  }
  if (notes.length > 0) {
    void vscode.window.showInformationMessage(`Preview of ${preview.relativePath} for '${row.displayName}'. ${notes.join(" ")}`);
  }
}

/** The preview an editor-title action is for; says so when it is gone (never silently nothing). */
function previewFor(uri: vscode.Uri | undefined): PreviewDoc | undefined {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  const d = previews.get(target);
  if (!d) {
    void vscode.window.showWarningMessage(
      `ELITEA: this preview is no longer available (${target?.scheme ?? "no editor"}): preview the settings again.`,
    );
  }
  return d;
}

/** The editor-title actions of a preview: Copy, Save As…, Apply. */
export async function previewCopy(uri?: vscode.Uri): Promise<void> {
  const d = previewFor(uri);
  if (!d) {
    return;
  }
  await vscode.env.clipboard.writeText(d.result.content);
  void vscode.window.showInformationMessage(`The ELITEA settings for '${d.row.displayName}' were copied to the clipboard.`);
}

export async function previewSaveAs(uri?: vscode.Uri): Promise<void> {
  const d = previewFor(uri);
  if (!d) {
    return;
  }
  const base = folders()[0]?.uri;
  const defaultUri = base ? vscode.Uri.joinPath(base, d.result.relativePath) : undefined;
  const target = await vscode.window.showSaveDialog({
    ...(defaultUri ? { defaultUri } : {}),
    title: `Save ${d.result.fileName}`,
    filters: d.result.language === "xml" ? { XML: ["xml"] } : { JSON: ["json"] },
  });
  if (!target) {
    return;
  }
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(d.result.content));
  const choice = await vscode.window.showInformationMessage(`Saved ${tildePath(target.fsPath, os.homedir())}.`, "Open File");
  if (choice === "Open File") {
    await vscode.window.showTextDocument(target);
  }
}

export async function previewApply(ctx: Ctx, uri?: vscode.Uri): Promise<void> {
  const d = previewFor(uri);
  if (!d) {
    return;
  }
  if (d.ide === "vscode") {
    await applyToVscode(ctx, d.row);
  } else {
    await saveForJetBrains(ctx, d.row);
  }
}
