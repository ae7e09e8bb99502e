// Where the language server binary is found: `$ELITEA_TOKENS_SERVER_PATH`, then the
// `elitea.server.path` setting, then the binary bundled in the extension
// (`server/elitea-tokens`, `server/elitea-tokens.exe` on Windows). No `vscode` import.
// Each platform has its own package (`vsce package --target`), and `server/platform.json`
// names the platform its binary is for: a package installed on another machine (or one without
// a binary) says which platform it lacks rather than failing to run a foreign binary.

import * as path from "node:path";

export const ENV_VAR = "ELITEA_TOKENS_SERVER_PATH";

export interface Candidate {
  /** Where this candidate comes from, in words for the user. */
  source: string;
  /** The path, or `undefined` when the source is not set. */
  path: string | undefined;
}

export interface BinarySearch {
  /** The binary to run, when one exists. */
  found?: Candidate;
  /** Every place looked at, in order. */
  candidates: Candidate[];
  /** Set sources whose file does not exist: worth a warning even when another is used. */
  missing: Candidate[];
  /** This machine's platform (`linux-x64`, ...), when `arch` was given. */
  machine?: string;
  /** The platform the bundled binary is for, when the package says. */
  packaged?: string;
}

export interface SearchInput {
  env: Record<string, string | undefined>;
  /** The `elitea.server.path` setting. */
  setting: string | undefined;
  extensionPath: string;
  platform: NodeJS.Platform;
  /** The first workspace folder: a relative setting is taken from there. */
  workspaceFolder?: string;
  homeDir?: string;
  isFile: (p: string) => boolean;
  /** `process.arch`; with `readText`, lets a package made for another platform be told apart. */
  arch?: string;
  /** Reads a small file (`server/platform.json`); undefined when it cannot. */
  readText?: (p: string) => string | undefined;
}

/** VSCode's name of a platform, as in `vsce package --target`: `win32-x64`, `darwin-arm64`. */
export function vscodeTarget(platform: string, arch: string): string {
  return `${platform}-${arch}`;
}

/** The platform the bundled binary was packaged for, from `server/platform.json`. */
export function packagedTarget(input: SearchInput): string | undefined {
  const text = input.readText?.(path.join(input.extensionPath, "server", "platform.json"));
  if (text === undefined) {
    return undefined;
  }
  try {
    const target: unknown = (JSON.parse(text) as { target?: unknown }).target;
    return typeof target === "string" && target.length > 0 ? target : undefined;
  } catch {
    return undefined;
  }
}

export function bundledBinaryName(platform: NodeJS.Platform): string {
  return platform === "win32" ? "elitea-tokens.exe" : "elitea-tokens";
}

function expand(raw: string | undefined, input: SearchInput): string | undefined {
  if (raw === undefined) {
    return undefined;
  }
  let p = raw.trim();
  if (p.length === 0) {
    return undefined;
  }
  if (input.homeDir && (p === "~" || p.startsWith("~/"))) {
    p = path.join(input.homeDir, p.slice(1));
  }
  if (!path.isAbsolute(p) && input.workspaceFolder) {
    p = path.join(input.workspaceFolder, p);
  }
  return p;
}

/** Looks in order and takes the first that exists. */
export function findServerBinary(input: SearchInput): BinarySearch {
  const candidates: Candidate[] = [
    { source: `the environment variable ${ENV_VAR}`, path: expand(input.env[ENV_VAR], input) },
    { source: "the setting elitea.server.path", path: expand(input.setting, input) },
    {
      source: "the binary bundled with the extension",
      path: path.join(input.extensionPath, "server", bundledBinaryName(input.platform)),
    },
  ];
  const machine = input.arch ? vscodeTarget(input.platform, input.arch) : undefined;
  const packaged = packagedTarget(input);
  // A binary of another platform would fail with an exec format error: never taken.
  const foreign = machine !== undefined && packaged !== undefined && packaged !== machine;
  const missing: Candidate[] = [];
  let found: Candidate | undefined;
  for (const c of candidates) {
    if (c.path === undefined) {
      continue;
    }
    if (c === candidates[2] && foreign) {
      continue;
    }
    if (input.isFile(c.path)) {
      found ??= c;
    } else if (c !== candidates[2]) {
      missing.push(c);
    }
  }
  const result: BinarySearch = { candidates, missing, machine, packaged };
  if (found) {
    result.found = found;
  }
  return result;
}

/** The message shown when no binary exists: where we looked, and how to fix it. */
export function notFoundMessage(search: BinarySearch): string {
  const foreign = search.machine !== undefined && search.packaged !== undefined && search.packaged !== search.machine;
  const looked = search.candidates
    .map((c, i) =>
      i === 2 && foreign
        ? `${c.source} (${c.path}: built for ${search.packaged}, not this machine)`
        : c.path
          ? `${c.source} (${c.path}: not found)`
          : `${c.source} (not set)`,
    )
    .join("; ");
  let platform = "";
  if (search.machine !== undefined) {
    platform = foreign
      ? `This package of the extension is for ${search.packaged}, and this machine is ${search.machine}: install elitea-tokens-${search.machine}.vsix instead. `
      : `This package of the extension has no elitea-tokens binary for ${search.machine}: install elitea-tokens-${search.machine}.vsix. `;
  }
  return (
    "ELITEA Tokens cannot start: the elitea-tokens language server was not found. " +
    platform +
    `Looked at ${looked}. ` +
    "Build it with `cargo build` and set elitea.server.path to target/debug/elitea-tokens, " +
    "or install a package of the extension that bundles it."
  );
}
