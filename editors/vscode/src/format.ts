// How tokens, states and answers are shown: pure functions, no `vscode` import, so that
// test/unit can run them under plain Node.

import type { ServerUrlRule, StatusKind, TokenInUse, TokenRow, UserInfo } from "./protocol";

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
 * A token in use (`TokenInUse`, read from a settings file) as the status names it. Unlike a
 * `TokenRow` it carries no `displayName` from the server, nor a masked value: its name, else
 * its uuid (the server's `confirmName` rule, the one thing both kinds of token have).
 */
export function inUseName(t: Pick<TokenInUse, "name" | "uuid">): string {
  return t.name || t.uuid;
}

/** `VSCode-Dev   ...ab12   ⚠ in 3 days` */
export function rowText(row: TokenRow): string {
  return `${row.displayName}   ${row.masked}   ${statusSymbol(row.status.kind)} ${row.status.label}`;
}

export interface RowItem {
  label: string;
  description: string;
  detail?: string;
  icon: "pass" | "warning" | "error";
}

/**
 * A QuickPick row: the name, then `...ab12   $(warning) in 3 days`, and where it is used in the
 * server's words (`usedInPlaces`), when anywhere.
 */
export function rowItem(row: TokenRow): RowItem {
  const icon = statusIcon(row.status.kind);
  // A token made elsewhere: its value is not kept here, so settings for it lack the token.
  const unknown = row.valueKnown ? "" : "   $(circle-slash) value not kept here";
  const item: RowItem = {
    label: row.displayName,
    description: `${row.masked}   $(${icon}) ${row.status.label}${unknown}`,
    icon,
  };
  if (row.usedInPlaces.length > 0) {
    item.detail = `$(check) In use in ${row.usedInPlaces.join(", ")}`;
  }
  return item;
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

/**
 * Why a server address cannot be used, or `undefined`: the server's rule (`rules.serverUrl`,
 * a pattern for the whole text and its sentence), the same one sign-in applies.
 */
export function validateServerUrl(text: string, rule: ServerUrlRule): string | undefined {
  return new RegExp(rule.pattern).test(text) ? undefined : rule.hint;
}

/**
 * What the delete InputBox says while the typed text is not `name`, the row's `confirmName`
 * (the server's: the name, else the uuid).
 */
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

/**
 * The signed-in user as every view names them: the name, else the email, else the id. The
 * server sends `UserInfo` without a display name; this is the shim's one place for it.
 */
export function userWords(user: Pick<UserInfo, "name" | "email" | "id">): string {
  return user.name || user.email || `user ${user.id}`;
}

/** A sentence for the user about who is signed in where. */
export function signedInSentence(user: Pick<UserInfo, "name" | "email" | "id">, where: string): string {
  return `Signed in to ${where} as ${userWords(user)}.`;
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
  home: string | undefined,
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
    // Paths: the server sends a token in use's files without words for them.
    const files = t.files.map((f) => tildePath(f, home)).join(", ");
    const sev = severityOf(t);
    const symbol = sev === "error" ? "✗" : sev === "warning" ? "⚠" : "✓";
    const state = t.revoked ? "revoked on the server" : t.status.label;
    return `${symbol} ${inUseName(t)}: ${state}${files ? ` (${files})` : ""}`;
  });
  return {
    text: `$(key) ELITEA ${shortState(top)}`,
    tooltip: `${account}\nELITEA tokens in use:\n${lines.join("\n")}\n\nClick to open Personal Tokens.`,
    severity: severityOf(top),
    command: "elitea.openTokensPage",
  };
}
