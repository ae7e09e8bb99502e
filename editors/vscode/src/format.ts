// How tokens, states and answers are shown: pure functions, no `vscode` import, so that
// test/unit can run them under plain Node.

import type { StatusKind, TokenInUse, TokenRow } from "./protocol";

/** The codicon for a state: `pass`, `warning` or `error`. */
export function statusIcon(kind: StatusKind, revoked = false): "pass" | "warning" | "error" {
  if (revoked) {
    return "error";
  }
  switch (kind) {
    case "warning":
      return "warning";
    case "expired":
      return "error";
    default:
      return "pass";
  }
}

/** The same state as one character, for plain text (logs, tooltips). */
export function statusSymbol(kind: StatusKind, revoked = false): string {
  const icon = statusIcon(kind, revoked);
  return icon === "error" ? "✗" : icon === "warning" ? "⚠" : "✓";
}

/**
 * The token's name; a nameless one is called by its masked value (`...ab12`), never
 * "(no name)", so that the user can tell it in the list.
 */
export function displayName(row: { name?: string | null; masked?: string | null; uuid?: string }): string {
  if (row.name && row.name.length > 0) {
    return row.name;
  }
  if (row.masked && row.masked.length > 0) {
    return row.masked;
  }
  return row.uuid ? `token ${row.uuid.slice(0, 8)}` : "token";
}

/** What a token is named by when the user must type it to confirm: the name, else the uuid. */
export function confirmationName(row: { name?: string | null; uuid: string }): string {
  return row.name && row.name.length > 0 ? row.name : row.uuid;
}

/** `VSCode-Dev   ...ab12   ⚠ in 3 days` */
export function rowText(row: TokenRow): string {
  return `${displayName(row)}   ${row.masked}   ${statusSymbol(row.status.kind)} ${row.status.label}`;
}

export interface RowItem {
  label: string;
  description: string;
  detail?: string;
  icon: "pass" | "warning" | "error";
}

/**
 * A QuickPick row: the name, then `...ab12   $(warning) in 3 days`. `inUse` lists the settings
 * files that hold this token, when any.
 */
export function rowItem(row: TokenRow, inUse: string[] = []): RowItem {
  const icon = statusIcon(row.status.kind);
  // A token made elsewhere: its value is not kept here, so settings for it lack the token.
  const unknown = row.valueKnown ? "" : "   $(circle-slash) value not kept here";
  const item: RowItem = {
    label: displayName(row),
    description: `${row.masked}   $(${icon}) ${row.status.label}${unknown}`,
    icon,
  };
  if (inUse.length > 0) {
    item.detail = `$(check) In use in ${inUse.map(baseName).join(", ")}`;
  }
  return item;
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  const last = parts[parts.length - 1] ?? path;
  const parent = parts[parts.length - 2];
  // `.vscode/settings.json` says more than `settings.json`.
  return parent && parent.startsWith(".") ? `${parent}/${last}` : last;
}

/** The project id typed at sign-in: empty means "my personal project" (`null`). */
export function parseProjectId(text: string): { value: number | null } | { error: string } {
  const t = text.trim();
  if (t.length === 0) {
    return { value: null };
  }
  if (!/^[0-9]+$/.test(t) || Number(t) < 1 || !Number.isSafeInteger(Number(t))) {
    return { error: "A project id is a whole number, such as 123. Leave it empty for your personal project." };
  }
  return { value: Number(t) };
}

/** Why a server URL cannot be used, or `undefined`. `sandbox` is the embedded sandbox. */
export function validateServerUrl(text: string): string | undefined {
  const t = text.trim();
  if (t === "sandbox") {
    return undefined;
  }
  if (t.length === 0) {
    return "Enter the ELITEA server's address, such as https://next.elitea.ai, or sandbox.";
  }
  let url: URL;
  try {
    url = new URL(t);
  } catch {
    return "Enter a full address starting with https:// (or http:// for a local server).";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return "The address must start with https:// or http://.";
  }
  return undefined;
}

/** What the delete InputBox says while the typed text is not the name. */
export function deleteConfirmation(typed: string, name: string): string | undefined {
  if (typed === name) {
    return undefined;
  }
  if (typed.length === 0) {
    return `Type '${name}' to delete this token.`;
  }
  if (typed.trim() === name || typed.toLowerCase() === name.toLowerCase()) {
    return `Not quite: type '${name}' exactly (case and spaces count).`;
  }
  return `That is not the name: type '${name}' to delete this token.`;
}

/**
 * A server as every message names it: the embedded sandbox (the user signed in to `sandbox`
 * and the server answered from `sandboxUrl`) is "the ELITEA sandbox (http://…)"; any other
 * server is its address.
 */
export function serverWords(serverUrl: string, sandboxUrl: string | undefined): string {
  if (serverUrl === "sandbox") {
    return sandboxUrl ? `the ELITEA sandbox (${sandboxUrl})` : "the ELITEA sandbox";
  }
  if (sandboxUrl && serverUrl === sandboxUrl) {
    return `the ELITEA sandbox (${serverUrl})`;
  }
  return serverUrl;
}

/** A sentence for the user about who is signed in where. */
export function signedInSentence(user: { name?: string | null; email?: string | null; id: number }, where: string): string {
  const who = user.name || user.email || `user ${user.id}`;
  return `Signed in to ${where} as ${who}.`;
}

// ---- Paths and places, as the user knows them --------------------------------------------

/** `~/…` for a path under the home folder: shorter, and no user name in a screenshot. */
export function tildePath(p: string, home: string | undefined): string {
  if (!home) {
    return p;
  }
  const h = home.replace(/[\\/]+$/, "");
  if (p === h) {
    return "~";
  }
  if (p.startsWith(`${h}/`) || p.startsWith(`${h}\\`)) {
    return `~${p.slice(h.length)}`;
  }
  return p;
}

export interface Places {
  /** The user settings.json the server writes for "user". */
  userSettings?: string | null;
  /** The workspace folders (absolute paths). */
  folders: string[];
  home?: string;
}

function norm(p: string): string {
  return p.replace(/\\/g, "/").replace(/\/+$/, "");
}

function baseOf(p: string): string {
  const parts = norm(p).split("/");
  return parts[parts.length - 1] ?? p;
}

export type PlaceKind = "user" | "workspace" | "jetbrains" | "other";

/** What a settings file is to the user: user settings, a workspace's, a JetBrains project's, or other. */
export function placeOf(file: string, places: Places): { kind: PlaceKind; words: string } {
  const f = norm(file);
  if (places.userSettings && f === norm(places.userSettings)) {
    return { kind: "user", words: "user settings" };
  }
  const jb = /^(.*)\/\.idea\/(alita|elitea)\.xml$/.exec(f);
  if (jb) {
    return { kind: "jetbrains", words: `JetBrains project ${baseOf(jb[1]!)}` };
  }
  for (const folder of places.folders) {
    const d = norm(folder);
    if (f === `${d}/.vscode/settings.json`) {
      return { kind: "workspace", words: `workspace settings (${baseOf(d)})` };
    }
  }
  if (f.endsWith(".code-workspace")) {
    return { kind: "workspace", words: `workspace ${baseOf(f).replace(/\.code-workspace$/, "")}` };
  }
  return { kind: "other", words: tildePath(file, places.home) };
}

/** The Used in column: "user settings", "workspace", "JetBrains", "other files", in that order. */
export function usedInSummary(files: string[], places: Places): string[] {
  const kinds = new Set(files.map((f) => placeOf(f, places).kind));
  const out: string[] = [];
  if (kinds.has("user")) out.push("user settings");
  if (kinds.has("workspace")) out.push("workspace");
  if (kinds.has("jetbrains")) out.push("JetBrains");
  if (kinds.has("other")) out.push("other files");
  return out;
}

/** A date and time in the user's locale; the only thing the shim formats itself. */
export function formatDate(expires: string | null | undefined, locale: string | undefined): string {
  if (!expires) {
    return "";
  }
  const at = new Date(expires);
  if (Number.isNaN(at.getTime())) {
    return expires;
  }
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(at);
  } catch {
    return at.toLocaleString();
  }
}

// ---- The status bar item ----------------------------------------------------------------

export type Severity = "none" | "warning" | "error";

export interface StatusBarView {
  text: string;
  tooltip: string;
  severity: Severity;
  /** What a click does. */
  command: "elitea.signIn" | "elitea.openTokensPage";
}

function severityOf(t: TokenInUse): Severity {
  if (t.revoked || t.status.kind === "expired") {
    return "error";
  }
  return t.status.kind === "warning" ? "warning" : "none";
}

const RANK: Record<Severity, number> = { none: 0, warning: 1, error: 2 };

/** The state in a few words, from the server's label: `3 days`, `expired`, `revoked`, `no expiry`. */
function shortState(t: TokenInUse): string {
  if (t.revoked) {
    return "revoked";
  }
  if (t.status.kind === "expired") {
    return "expired";
  }
  if (t.status.kind === "never") {
    return "no expiry";
  }
  return t.status.label.replace(/^in /, "");
}

/**
 * The status bar item. Signed out (or not yet known to be signed in): "$(key) ELITEA: Sign in",
 * no colour, no token rows, and a click signs in. Signed in with no token in use:
 * "$(key) ELITEA". Otherwise the token in use that needs attention most (revoked or expired,
 * then warnings, soonest expiry first) with the server's label, a warning background at the
 * server's warning state and an error background when expired or revoked.
 */
export function statusBarView(
  tokens: TokenInUse[] | undefined,
  signedIn: boolean | undefined,
  where: string | undefined,
  places: Places,
): StatusBarView {
  if (signedIn !== true) {
    return {
      text: "$(key) ELITEA: Sign in",
      tooltip: signedIn === false ? "ELITEA: not signed in. Click to sign in." : "ELITEA: starting. Click to sign in.",
      severity: "none",
      command: "elitea.signIn",
    };
  }
  const account = where ? `Signed in to ${where}.` : "Signed in to ELITEA.";
  if (!tokens || tokens.length === 0) {
    return {
      text: "$(key) ELITEA",
      tooltip: `${account}\nNo ELITEA token is used in your settings files.\nClick to open Personal Tokens.`,
      severity: "none",
      command: "elitea.openTokensPage",
    };
  }
  const expiresAt = (t: TokenInUse) => {
    const at = t.expires ? Date.parse(t.expires) : Number.NaN;
    return Number.isNaN(at) ? Number.POSITIVE_INFINITY : at;
  };
  const sorted = [...tokens].sort((a, b) => {
    const bySeverity = RANK[severityOf(b)] - RANK[severityOf(a)];
    return bySeverity !== 0 ? bySeverity : expiresAt(a) - expiresAt(b);
  });
  const top = sorted[0]!;
  const lines = sorted.map((t) => {
    const files = t.files.map((f) => placeOf(f, places).words).join(", ");
    const sev = severityOf(t);
    const symbol = sev === "error" ? "✗" : sev === "warning" ? "⚠" : "✓";
    const state = t.revoked ? "revoked on the server" : t.status.label;
    return `${symbol} ${displayName(t)}: ${state}${files ? ` (${files})` : ""}`;
  });
  return {
    text: `$(key) ELITEA ${shortState(top)}`,
    tooltip: `${account}\nELITEA tokens in use:\n${lines.join("\n")}\n\nClick to open Personal Tokens.`,
    severity: severityOf(top),
    command: "elitea.openTokensPage",
  };
}
