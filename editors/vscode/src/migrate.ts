// ELITEA: Migrate Settings to Today's Keys, the decisions: which files to look at, which one to
// migrate, and how the server's dry run reads in the confirmation. The server finds the legacy
// keys and moves them (`elitea.migrateSettings`); nothing here knows a key name. No `vscode`
// import: test/unit runs it under plain Node.

import * as path from "node:path";

import { tildePath } from "./format";
import type { MigrateResult } from "./protocol";

/**
 * Whether the active editor's file is one to migrate: a settings.json, a `*.code-workspace`,
 * a JetBrains `.idea/alita.xml`, or any other JSON file that holds a legacy key (the server
 * reads those too). `text` is the document's text, read only for that last case.
 */
export function isSettingsFile(fsPath: string, text: string | undefined): boolean {
  const p = fsPath.replace(/\\/g, "/");
  const base = path.posix.basename(p);
  if (base === "settings.json" || base.endsWith(".code-workspace") || /\/\.idea\/alita\.xml$/.test(p)) {
    return true;
  }
  return /\.jsonc?$/.test(base) && text !== undefined && text.includes('"alitacode.');
}

export interface CandidateInput {
  /** The active editor's file, when it is a settings file (`isSettingsFile`). */
  active?: string | undefined;
  /** The user settings.json of the profile in use. */
  userSettings?: string | undefined;
  /** The open `*.code-workspace` file. */
  workspaceFile?: string | undefined;
  /** The workspace folders (file system paths). */
  folders: string[];
  exists: (file: string) => boolean;
}

/**
 * The files to ask the server about, in the order they are preferred: the active editor's,
 * the user settings, the workspace file, then each folder's `.vscode/settings.json` and
 * `.idea/alita.xml`. Only files that exist (the active one is open, so it does), each once.
 */
export function migrationCandidates(o: CandidateInput): string[] {
  const out: string[] = [];
  const add = (f: string | undefined, mustExist: boolean) => {
    if (f && !out.includes(f) && (!mustExist || o.exists(f))) {
      out.push(f);
    }
  };
  add(o.active, false);
  add(o.userSettings, true);
  add(o.workspaceFile, true);
  for (const folder of o.folders) {
    add(path.join(folder, ".vscode", "settings.json"), true);
    add(path.join(folder, ".idea", "alita.xml"), true);
  }
  return out;
}

/** Whether a dry run found anything to do. */
export function hasWork(r: MigrateResult): boolean {
  return r.moves.length > 0 || r.files.length > 0;
}

export type MigrationPlan =
  | { kind: "none" }
  | { kind: "one"; path: string; dryRun: MigrateResult }
  | { kind: "choose"; options: { path: string; dryRun: MigrateResult }[] };

/**
 * Which file to migrate, from the dry runs of the candidates (in their order; a file whose dry
 * run failed is left out by the caller). The active editor's file, when it has legacy
 * settings, is the one; otherwise the only file that has some, or the user chooses among
 * several (the preferred first).
 */
export function migrationPlan(dryRuns: { path: string; dryRun: MigrateResult }[], active?: string): MigrationPlan {
  const withWork = dryRuns.filter((d) => hasWork(d.dryRun));
  const activeRun = active ? withWork.find((d) => d.path === active) : undefined;
  if (activeRun) {
    return { kind: "one", ...activeRun };
  }
  if (withWork.length === 0) {
    return { kind: "none" };
  }
  if (withWork.length === 1) {
    return { kind: "one", ...withWork[0]! };
  }
  return { kind: "choose", options: withWork };
}

/** One line per move of the dry run: `alitacode.authToken → eliteacode.authToken`. */
export function moveLines(r: MigrateResult): string[] {
  return r.moves.map((m) => (m.to ? `${m.from} → ${m.to}` : `${m.from}: removed (today's key already holds a value)`));
}

/**
 * One line per file the migration writes: `relative` names a file inside the workspace as the
 * user sees it (`.idea/elitea.xml`), or answers the path unchanged; others get `~` for home.
 */
export function fileLines(r: MigrateResult, home: string | undefined, relative: (p: string) => string = (p) => p): string[] {
  const words = { edited: "edited", created: "created", deleted: "deleted (nothing else was in it)" } as const;
  return r.files.map((f) => `${tildePath(relative(f.path), home)}: ${words[f.change] ?? f.change}`);
}

/** `N settings` / `1 setting`. */
export function settingsCount(r: MigrateResult): string {
  const n = r.moves.length;
  return `${n} setting${n === 1 ? "" : "s"}`;
}

/** The confirmation's detail: what moves, then which files change. */
export function dryRunDetail(r: MigrateResult, home: string | undefined, relative?: (p: string) => string): string {
  const parts = [...moveLines(r)];
  const files = fileLines(r, home, relative);
  if (files.length > 0) {
    parts.push("", "Files:", ...files);
  }
  return parts.join("\n");
}

/** The quick fix's arguments as the server sends them (`{path}`); anything else is the palette. */
export function asMigrateParams(a: unknown): { path: string } | undefined {
  const x = a as { path?: unknown; scheme?: unknown } | undefined;
  // A URI (what a menu passes) also has a `path`: not the server's arguments.
  if (!x || typeof x !== "object" || "scheme" in x) {
    return undefined;
  }
  return typeof x.path === "string" && x.path.length > 0 ? { path: x.path } : undefined;
}
