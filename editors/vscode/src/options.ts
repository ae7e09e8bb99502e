// What the extension tells the language server at start-up (`initializationOptions`) and on
// every change (`workspace/didChangeConfiguration`, section `elitea`). No `vscode` import.

import * as path from "node:path";

import { type InitializationOptions, type Schema, type StoreChoice, StoreChoiceValues } from "./protocol";

/** The `elitea.*` settings, as read from the configuration. */
export interface EliteaSettings {
  serverUrl?: string;
  projectId?: number | null;
  verifySsl?: boolean;
  settingsSchema?: string;
  secretsStore?: string;
  settingsSyncProtect?: boolean;
}

/**
 * The user settings.json of the VSCode that runs the extension. `globalStorageUri` is
 * `<userDataDir>/User/globalStorage/<extension id>`, and settings.json sits in `User`.
 */
export function userSettingsPath(globalStoragePath: string | undefined): string | undefined {
  if (!globalStoragePath) {
    return undefined;
  }
  const storage = path.dirname(globalStoragePath);
  if (path.basename(storage) !== "globalStorage") {
    return undefined;
  }
  return path.join(path.dirname(storage), "settings.json");
}

const DEFAULT_PROFILE = "__default__profile__";

/**
 * The settings.json of the profile this window uses. VSCode keeps each non-default profile's
 * settings in `User/profiles/<id>/settings.json` and records which workspace uses which
 * profile in `User/globalStorage/storage.json` (`profileAssociations`); the extension API does
 * not say, and `globalStorageUri` always points into the default profile's `User` folder.
 * `workspaceKey` is the window's workspace URI (`file:///…`); `readJson` reads a file or
 * answers `undefined`. Anything unexpected falls back to the default profile's file.
 */
export function activeProfileSettingsPath(
  defaultSettingsPath: string,
  workspaceKey: string | undefined,
  readJson: (file: string) => unknown,
): string {
  const user = path.dirname(defaultSettingsPath);
  const storage = readJson(path.join(user, "globalStorage", "storage.json")) as
    | { profileAssociations?: { workspaces?: Record<string, string>; emptyWindows?: Record<string, string> }; userDataProfiles?: { location?: string }[] }
    | undefined;
  const assoc = storage?.profileAssociations;
  const id = workspaceKey ? assoc?.workspaces?.[workspaceKey] : undefined;
  if (!id || id === DEFAULT_PROFILE) {
    return defaultSettingsPath;
  }
  const known = (storage?.userDataProfiles ?? []).some((p) => p.location === id || (p.location ?? "").endsWith(`/${id}`));
  if (!known || /[\\/]/.test(id)) {
    return defaultSettingsPath;
  }
  return path.join(user, "profiles", id, "settings.json");
}

/**
 * The documents the server watches (issue 14): every settings.json and any other JSON (the
 * server decides which hold ELITEA keys), workspace files, and the JetBrains plugin's XML.
 * `vscode-userdata:` is how VSCode in a browser names the user's own settings.json.
 */
export const DOCUMENT_SELECTOR = [
  { scheme: "file", language: "json" },
  { scheme: "file", language: "jsonc" },
  { scheme: "vscode-userdata", language: "jsonc" },
  { scheme: "vscode-userdata", language: "json" },
  { scheme: "file", pattern: "**/*.code-workspace" },
  { scheme: "file", pattern: "**/.idea/alita.xml" },
  { scheme: "file", pattern: "**/.idea/elitea.xml" },
];

/**
 * Every option, `null` when unset: the server merges a change into what it has, so an option
 * the user cleared must be sent as `null` to be forgotten.
 */
export function buildOptions(
  settings: EliteaSettings,
  vscodeUserSettingsPath: string | undefined,
  workspaceFolders: string[],
): InitializationOptions {
  const url = settings.serverUrl?.trim();
  const project =
    typeof settings.projectId === "number" && Number.isInteger(settings.projectId) ? settings.projectId : null;
  const schema =
    settings.settingsSchema === "legacy" || settings.settingsSchema === "current"
      ? (settings.settingsSchema as Schema)
      : null;
  const store = (StoreChoiceValues as readonly string[]).includes(settings.secretsStore ?? "")
    ? (settings.secretsStore as StoreChoice)
    : null;
  return {
    serverUrl: url ? url : null,
    projectId: project,
    verifySsl: typeof settings.verifySsl === "boolean" ? settings.verifySsl : null,
    schema,
    secretsStore: store,
    settingsSyncProtect: typeof settings.settingsSyncProtect === "boolean" ? settings.settingsSyncProtect : null,
    vscodeUserSettingsPath: vscodeUserSettingsPath ?? null,
    workspaceFolders,
  };
}

/**
 * The schema the extension asks for: the setting when it names one, else `current` (today's
 * web UI, the server's default too).
 */
export function settingsSchemaOf(setting: string | undefined): Schema {
  return setting === "legacy" ? "legacy" : "current";
}

/** The JetBrains file a schema writes, for the pickers' descriptions. */
export function jetbrainsFile(schema: Schema): string {
  return schema === "legacy" ? ".idea/alita.xml" : ".idea/elitea.xml";
}

/** Settings whose change needs a new server process (the rest are sent to the running one). */
export const RESTART_SETTINGS = ["elitea.server.path", "elitea.logLevel", "elitea.secrets.store"] as const;

export const LOG_LEVELS = ["error", "warn", "info", "debug", "trace"] as const;

/** The command line of the server: `lsp --log-level LEVEL`. */
export function serverArgs(logLevel: string | undefined): string[] {
  const level = (LOG_LEVELS as readonly string[]).includes(logLevel ?? "") ? logLevel! : "info";
  return ["lsp", "--log-level", level];
}

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error";

/**
 * One line of the server's stderr (tracing's format: `2026-11-28T13:08:04.996Z  INFO message`,
 * colours off) as a level and a message, so that the log channel shows it at its own level
 * without a second timestamp. Lines of another shape are kept whole, at info.
 */
export function parseServerLogLine(line: string): { level: LogLevel; message: string } {
  // Colour codes, should a build ignore NO_COLOR.
  const clean = line.replace(/\u001b\[[0-9;]*m/g, "");
  const m = /^\s*\d{4}-\d{2}-\d{2}T[0-9:.]+Z?\s+(TRACE|DEBUG|INFO|WARN|ERROR)\s+(.*)$/.exec(clean);
  if (!m) {
    return { level: "info", message: clean };
  }
  const level = m[1]!.toLowerCase() as LogLevel;
  return { level, message: m[2]! };
}
