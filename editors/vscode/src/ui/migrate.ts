// ELITEA: Migrate Settings to Today's Keys. From the palette: which file (src/migrate.ts
// decides), the server's dry run shown in a confirmation, then the migration. From the
// server's settingsLegacy quick fix ("Move to today's ELITEA settings", `{path}`): run as the
// server says, as its other quick fixes are.

import * as fs from "node:fs";
import * as os from "node:os";

import * as vscode from "vscode";

import { asMigrateParams, dryRunDetail, isSettingsFile, migrationCandidates, type MigrationPlan, migrationPlan, settingsCount } from "../migrate";
import type { MigrateResult } from "../protocol";
import { type Ctx, reportError, shownPath } from "./common";

function folders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === "file").map((f) => f.uri.fsPath);
}

/**
 * The active editor's file when it is a settings file. User settings are `vscode-userdata:` in
 * VSCode for the Web and code-server; their path is the file's.
 */
function activeSettingsFile(): string | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || (doc.uri.scheme !== "file" && doc.uri.scheme !== "vscode-userdata")) {
    return undefined;
  }
  return isSettingsFile(doc.uri.fsPath, doc.getText()) ? doc.uri.fsPath : undefined;
}

/** The file a path names: the server's quick fix sends a `file:` URI, the palette a path. */
function fsPathOf(p: string): string {
  return /^file:/i.test(p) ? vscode.Uri.parse(p).fsPath : p;
}

/** The open document of `file` when it has unsaved changes (the server migrates the saved file). */
function dirtyDocument(file: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.isDirty && (d.uri.scheme === "file" || d.uri.scheme === "vscode-userdata") && d.uri.fsPath === file);
}

export async function migrateSettings(ctx: Ctx, arg?: unknown): Promise<void> {
  const fromFix = asMigrateParams(arg);
  if (fromFix) {
    await migrate(ctx, fsPathOf(fromFix.path));
    return;
  }
  const active = activeSettingsFile();
  // The server reads the file on disk: the active editor's unsaved changes are saved first,
  // when the user agrees, so that what is shown and moved is what the user sees.
  const unsaved = active ? dirtyDocument(active) : undefined;
  if (unsaved) {
    const save = await vscode.window.showWarningMessage(
      `${shownPath(unsaved.uri.fsPath)} has unsaved changes: save them, then look for legacy ELITEA settings?`,
      { modal: true },
      "Save",
    );
    if (save !== "Save" || !(await unsaved.save())) {
      return;
    }
  }
  const candidates = migrationCandidates({
    active,
    userSettings: ctx.server.options().vscodeUserSettingsPath ?? undefined,
    workspaceFile: vscode.workspace.workspaceFile?.scheme === "file" ? vscode.workspace.workspaceFile.fsPath : undefined,
    folders: folders(),
    exists: (f) => fs.existsSync(f),
  });
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage("No ELITEA settings file to migrate: open the settings file whose ELITEA settings should move, then run this again.");
    return;
  }
  // The server's dry run of each file: it alone knows which keys are legacy.
  const dryRuns: { path: string; dryRun: MigrateResult }[] = [];
  let failed = false;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: "Looking for legacy ELITEA settings…" }, async () => {
    for (const path of candidates) {
      try {
        dryRuns.push({ path, dryRun: await ctx.server.execute("elitea.migrateSettings", { path, dryRun: true }) });
      } catch (e) {
        // The file the user is looking at must say why; another one is only logged.
        if (path === active) {
          reportError(e, `${shownPath(path)} cannot be migrated`);
          failed = true;
          return;
        }
        ctx.server.output.warn(`migrateSettings dry run of ${path}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  });
  if (failed) {
    return;
  }
  if (dryRuns.length === 0) {
    // Every file refused (unreadable, not UTF-8…): the log says which and why.
    void vscode.window
      .showWarningMessage("No ELITEA settings file could be read to look for legacy settings.", "Show Logs")
      .then((c) => c && ctx.server.output.show());
    return;
  }
  const plan: MigrationPlan = migrationPlan(dryRuns, active);
  if (plan.kind === "none") {
    const looked = dryRuns.map((d) => shownPath(d.path)).join(", ");
    void vscode.window.showInformationMessage(`Nothing to migrate: today's ELITEA settings only in ${looked}.`);
    return;
  }
  let chosen: { path: string; dryRun: MigrateResult } | undefined;
  if (plan.kind === "one") {
    chosen = plan;
  } else {
    const picked = await vscode.window.showQuickPick(
      plan.options.map((o) => ({ label: shownPath(o.path), description: settingsCount(o.dryRun), detail: o.path, option: o })),
      { title: "ELITEA: Migrate Settings: which file?", placeHolder: "Files that hold legacy ELITEA settings" },
    );
    chosen = picked?.option;
  }
  if (!chosen) {
    return;
  }
  const answer = await vscode.window.showInformationMessage(
    `Move ${settingsCount(chosen.dryRun)} in ${shownPath(chosen.path)} to today's ELITEA keys?`,
    { modal: true, detail: dryRunDetail(chosen.dryRun, os.homedir(), (p) => vscode.workspace.asRelativePath(p, false)) },
    "Migrate",
  );
  if (answer !== "Migrate") {
    return;
  }
  await migrate(ctx, chosen.path);
}

async function migrate(ctx: Ctx, path: string): Promise<void> {
  let r: MigrateResult;
  try {
    r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: "Moving the ELITEA settings…" }, () =>
      ctx.server.execute("elitea.migrateSettings", { path }),
    );
  } catch (e) {
    reportError(e, `The ELITEA settings in ${shownPath(path)} were not migrated`);
    return;
  }
  ctx.refreshStatus();
  if (r.moves.length === 0 && r.files.length === 0) {
    void vscode.window.showInformationMessage(`Nothing to migrate: today's ELITEA settings only in ${shownPath(path)}.`);
    return;
  }
  const target = r.files.find((f) => f.change !== "deleted")?.path ?? path;
  const choice = await vscode.window.showInformationMessage(
    `Moved ${settingsCount(r)} in ${shownPath(path)} to today's ELITEA keys.`,
    "Open File",
  );
  if (choice === "Open File") {
    await vscode.window.showTextDocument(vscode.Uri.file(target));
  }
}
