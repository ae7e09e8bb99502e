// How tokens, states and answers are shown: pure functions, no `vscode` import, so that
// test/unit can run them under plain Node.

import type { Expiration, Measure, StatusKind, TokenInUse, TokenRow } from "./protocol";

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

/** The token's name, or the placeholder the server uses for a nameless one. */
export function displayName(row: { name?: string | null }): string {
  return row.name && row.name.length > 0 ? row.name : "(no name)";
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

/**
 * The label the server gives, recomputed for `now` with the same rules (counts round up; days,
 * then hours, then minutes in the last day), so that a status bar item set a while ago stays
 * true between the server's notifications. `undefined` when `expires` is not a date.
 */
export function relativeLabel(expires: string | null | undefined, now: Date): string | undefined {
  if (expires === null || expires === undefined) {
    return "Never";
  }
  const at = Date.parse(expires);
  if (Number.isNaN(at)) {
    return undefined;
  }
  const leftMs = at - now.getTime();
  if (leftMs <= 0) {
    return "Expired";
  }
  const secs = Math.ceil(leftMs / 1000);
  const ceil = (unit: number) => Math.ceil(secs / unit);
  const count = (n: number, unit: string) => (n === 1 ? `in 1 ${unit}` : `in ${n} ${unit}s`);
  if (leftMs >= 86_400_000) {
    return count(ceil(86_400), "day");
  }
  if (leftMs >= 3_600_000) {
    return count(ceil(3_600), "hour");
  }
  return count(ceil(60), "minute");
}

export type Severity = "none" | "warning" | "error";

export interface StatusBarView {
  text: string;
  tooltip: string;
  severity: Severity;
  /** The token the item speaks of, when one is in use. */
  uuid?: string;
}

/** Whether `t` has expired: the server said so, or its expiry has passed since it spoke. */
function hasExpired(t: TokenInUse, now: Date): boolean {
  if (t.status.kind === "expired") {
    return true;
  }
  const at = t.expires ? Date.parse(t.expires) : Number.NaN;
  return !Number.isNaN(at) && at <= now.getTime();
}

function severityOf(t: TokenInUse, now: Date): Severity {
  if (t.revoked || hasExpired(t, now)) {
    return "error";
  }
  return t.status.kind === "warning" ? "warning" : "none";
}

const RANK: Record<Severity, number> = { none: 0, warning: 1, error: 2 };

/** The state in a few words: `3 days`, `5 minutes`, `expired`, `revoked`, `no expiry`. */
function shortState(t: TokenInUse, now: Date): string {
  if (t.revoked) {
    return "revoked";
  }
  if (hasExpired(t, now)) {
    return "expired";
  }
  const label = relativeLabel(t.expires, now) ?? t.status.label;
  return label === "Never" ? "no expiry" : label.replace(/^in /, "");
}

/**
 * The status bar item for `elitea/tokenStatus`: the token in use that needs attention most
 * (revoked or expired, then warnings, soonest expiry first), as `$(key) ELITEA 3 days`, with a
 * warning background at 7 days or less and an error background when expired or revoked.
 * `now` keeps the label true between the server's notifications.
 */
export function statusBarView(
  tokens: TokenInUse[] | undefined,
  signedIn: boolean | undefined,
  now: Date,
): StatusBarView {
  if (!tokens || tokens.length === 0) {
    if (signedIn === false) {
      return {
        text: "$(key) ELITEA",
        tooltip: "ELITEA Tokens: not signed in. Click to sign in.",
        severity: "none",
      };
    }
    return {
      text: "$(key) ELITEA",
      tooltip: "No ELITEA token is used in your settings files. Click to show your tokens.",
      severity: "none",
    };
  }
  const expiresAt = (t: TokenInUse) => {
    const at = t.expires ? Date.parse(t.expires) : Number.NaN;
    return Number.isNaN(at) ? Number.POSITIVE_INFINITY : at;
  };
  const sorted = [...tokens].sort((a, b) => {
    const bySeverity = RANK[severityOf(b, now)] - RANK[severityOf(a, now)];
    return bySeverity !== 0 ? bySeverity : expiresAt(a) - expiresAt(b);
  });
  const top = sorted[0]!;
  const lines = sorted.map((t) => {
    const files = t.files.map(baseName).join(", ");
    const sev = severityOf(t, now);
    const symbol = sev === "error" ? "✗" : sev === "warning" ? "⚠" : "✓";
    const state = t.revoked ? "revoked on the server" : shortState(t, now);
    return `${symbol} ${displayName(t)}: ${state}${files ? ` (${files})` : ""}`;
  });
  return {
    text: `$(key) ELITEA ${shortState(top, now)}`,
    tooltip: `ELITEA tokens in use:\n${lines.join("\n")}\n\nClick to show your tokens.`,
    severity: severityOf(top, now),
    uuid: top.uuid,
  };
}

export const TOKEN_NAME_PATTERN = /^[A-Za-z0-9_-]{1,768}$/;

/**
 * Why a new token's name cannot be used, or `undefined` when it can. `taken` holds the names
 * of the user's tokens (from `elitea.listTokens`); the comparison is exact, as the server's.
 */
export function validateTokenName(name: string, taken?: ReadonlySet<string>): string | undefined {
  if (name.length === 0) {
    return "Enter a name for the token.";
  }
  if (name.length > 768) {
    return `The name is ${name.length} characters long; at most 768 are allowed.`;
  }
  if (!TOKEN_NAME_PATTERN.test(name)) {
    return "Use only letters, digits, '-' and '_' (no spaces or other characters).";
  }
  if (taken?.has(name)) {
    return `You already have a token named '${name}'. Choose another name.`;
  }
  return undefined;
}

export interface ExpirationChoice {
  label: string;
  measure: Measure;
  description: string;
  /** The value offered first; none for Never. */
  defaultValue?: number;
}

/** What Generate Token offers, as the web UI does: Never, Days (30), Weeks, Hours, Minutes. */
export const EXPIRATION_CHOICES: readonly ExpirationChoice[] = [
  { label: "Never", measure: "never", description: "The token does not expire" },
  { label: "Days", measure: "days", description: "30 days unless you say otherwise", defaultValue: 30 },
  { label: "Weeks", measure: "weeks", description: "", defaultValue: 4 },
  { label: "Hours", measure: "hours", description: "", defaultValue: 12 },
  { label: "Minutes", measure: "minutes", description: "", defaultValue: 45 },
];

/** Why `text` is not a number of `measure`, or `undefined` when it is. */
export function validateExpirationValue(text: string, measure: Measure): string | undefined {
  if (measure === "never") {
    return undefined;
  }
  const trimmed = text.trim();
  if (!/^[0-9]+$/.test(trimmed)) {
    return `Enter a whole number of ${measure}, 1 or more.`;
  }
  const n = Number(trimmed);
  if (!Number.isSafeInteger(n) || n < 1) {
    return `Enter a whole number of ${measure}, 1 or more.`;
  }
  return undefined;
}

export function toExpiration(measure: Measure, text: string): Expiration {
  if (measure === "never") {
    return { measure };
  }
  return { measure, value: Number(text.trim()) };
}

/** `30 days`, `1 week`, `never`: an expiration in words. */
export function describeExpiration(e: Expiration): string {
  if (e.measure === "never") {
    return "never expires";
  }
  const n = e.value ?? 30;
  const unit = e.measure.replace(/s$/, "");
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
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
 * A sentence for the user about who is signed in where. `embedded`: the user chose `sandbox`,
 * which the server answers with the address it started the sandbox on.
 */
export function signedInSentence(
  user: { name?: string | null; email?: string | null; id: number },
  serverUrl: string,
  embedded = false,
): string {
  const who = user.name || user.email || `user ${user.id}`;
  const where = embedded || serverUrl === "sandbox" ? `the ELITEA sandbox${serverUrl !== "sandbox" ? ` (${serverUrl})` : ""}` : serverUrl;
  return `Signed in to ${where} as ${who}.`;
}
