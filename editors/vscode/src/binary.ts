// Where the language server binary is found: `$ELITEA_TOKENS_SERVER_PATH`, then the
// `elitea.server.path` setting, then the binary bundled in the extension
// (`server/elitea-tokens`, `server/elitea-tokens.exe` on Windows). No `vscode` import.

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
  const missing: Candidate[] = [];
  let found: Candidate | undefined;
  for (const c of candidates) {
    if (c.path === undefined) {
      continue;
    }
    if (input.isFile(c.path)) {
      found ??= c;
    } else if (c !== candidates[2]) {
      missing.push(c);
    }
  }
  return found ? { found, candidates, missing } : { candidates, missing };
}

/** The message shown when no binary exists: where we looked, and how to fix it. */
export function notFoundMessage(search: BinarySearch): string {
  const looked = search.candidates
    .map((c) => (c.path ? `${c.source} (${c.path}: not found)` : `${c.source} (not set)`))
    .join("; ");
  return (
    "ELITEA Tokens cannot start: the elitea-tokens language server was not found. " +
    `Looked at ${looked}. ` +
    "Build it with `cargo build` and set elitea.server.path to target/debug/elitea-tokens, " +
    "or install a package of the extension that bundles it."
  );
}
