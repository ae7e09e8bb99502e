// What the Personal Tokens page shows, computed in the extension: the webview only draws this
// and sends back what the user clicked. No rule is computed in the webview. No `vscode` import.

import { formatDate, tildePath } from "./format";
import * as paging from "./paging";
import type { Page, TokenRow } from "./protocol";

export interface RowView {
  uuid: string;
  name: string;
  masked: string;
  /** The expiry in the user's locale; empty for a token that never expires. */
  date: string;
  /** ✓, ⚠, Expired or Never. */
  state: string;
  kind: "ok" | "warning" | "expired" | "never";
  /** The server's label ("in 3 days"), when it says more than `state`. */
  label: string;
  /** Where it is written, in the server's words (`usedInPlaces`). */
  usedIn: string[];
  /** The files, for the tooltip, with `~` for the home folder. */
  usedInFiles: string[];
  valueKnown: boolean;
}

export interface PageView {
  search: string;
  sortBy: "name" | "expiration";
  order: "asc" | "desc";
  rows: RowView[];
  range: string;
  empty?: string;
  pageSizes: number[];
  pageSize: number;
  hasPrevious: boolean;
  hasNext: boolean;
  hasFolder: boolean;
}

const STATE: Record<RowView["kind"], string> = { ok: "✓", warning: "⚠", expired: "Expired", never: "Never" };

/** Where the page is shown: the home folder (for `~`) and whether a workspace folder is open. */
export interface PageEnv {
  home?: string;
  hasFolder: boolean;
}

export function rowView(row: TokenRow, home: string | undefined, locale: string | undefined): RowView {
  const kind = row.status.kind;
  const state = STATE[kind] ?? row.status.kind;
  return {
    uuid: row.uuid,
    name: row.displayName,
    masked: row.masked,
    date: formatDate(row.expires, locale),
    state,
    kind,
    label: row.status.label === state ? "" : row.status.label,
    usedIn: row.usedInPlaces,
    usedInFiles: row.usedIn.map((f) => tildePath(f, home)),
    valueKnown: row.valueKnown,
  };
}

/** The page for one answer of `elitea.listTokens`. */
export function pageView(state: paging.ListState, page: Page, sizes: number[], env: PageEnv, locale: string | undefined): PageView {
  const view: PageView = {
    search: state.search,
    sortBy: state.sortBy,
    order: state.order,
    rows: page.items.map((r) => rowView(r, env.home, locale)),
    range: paging.rangeText(state, page.total),
    pageSizes: sizes,
    pageSize: state.pageSize,
    hasPrevious: paging.hasPrevious(state),
    hasNext: paging.hasNext(state, page.total),
    hasFolder: env.hasFolder,
  };
  if (page.items.length === 0) {
    view.empty = state.search.trim() ? `No token matches '${state.search.trim()}'.` : "You have no tokens yet: generate one.";
  }
  return view;
}

/** Messages from the webview; anything else is ignored. */
export type FromWebview =
  | { type: "ready" }
  | { type: "search"; text: string }
  | { type: "sort"; by: "name" | "expiration" }
  | { type: "pageSize"; size: number }
  | { type: "previous" }
  | { type: "next" }
  | { type: "generate" }
  | { type: "row"; action: RowAction; uuid: string }
  | { type: "generated"; action: "copy" | "applyUser" | "applyWorkspace" | "done" };

export const ROW_ACTIONS = ["previewVscode", "previewJetbrains", "applyUser", "applyWorkspace", "rotate", "delete"] as const;
export type RowAction = (typeof ROW_ACTIONS)[number];

export function parseMessage(m: unknown): FromWebview | undefined {
  const x = m as Record<string, unknown> | undefined;
  if (!x || typeof x.type !== "string") {
    return undefined;
  }
  switch (x.type) {
    case "ready":
    case "previous":
    case "next":
    case "generate":
      return { type: x.type };
    case "search":
      return typeof x.text === "string" ? { type: "search", text: x.text.slice(0, 1000) } : undefined;
    case "sort":
      return x.by === "name" || x.by === "expiration" ? { type: "sort", by: x.by } : undefined;
    case "pageSize":
      return typeof x.size === "number" ? { type: "pageSize", size: x.size } : undefined;
    case "row":
      return typeof x.uuid === "string" && (ROW_ACTIONS as readonly string[]).includes(String(x.action))
        ? { type: "row", action: x.action as RowAction, uuid: x.uuid }
        : undefined;
    case "generated":
      return ["copy", "applyUser", "applyWorkspace", "done"].includes(String(x.action))
        ? { type: "generated", action: x.action as "copy" | "applyUser" | "applyWorkspace" | "done" }
        : undefined;
    default:
      return undefined;
  }
}
