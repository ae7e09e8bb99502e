// The state of the Show Tokens list: search, sort, page size and page. Pure and immutable;
// the server does the searching, sorting and paging, this only decides what to ask for next.

import type { ListQuery, Order, SortBy } from "./protocol";

/**
 * One of the server's `rules.pageSizes`. The schema spells today's sizes out in
 * `ListQuery.pageSize`; the shim takes them from the rules, so it holds plain numbers.
 */
export type PageSize = number;

export interface ListState {
  readonly search: string;
  readonly sortBy: SortBy;
  readonly order: Order;
  readonly pageSize: PageSize;
  readonly page: number;
}

/** Soonest expiry first, the server's default page size: the tokens that need attention on top. */
export function initialState(defaultPageSize: PageSize): ListState {
  return { search: "", sortBy: "expiration", order: "asc", pageSize: defaultPageSize, page: 0 };
}

export function toQuery(s: ListState): ListQuery {
  const q: ListQuery = { sortBy: s.sortBy, order: s.order, pageSize: s.pageSize as ListQuery["pageSize"], page: s.page };
  const search = s.search.trim();
  if (search.length > 0) {
    q.search = search;
  }
  return q;
}

export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** A new search starts at the first page. */
export function withSearch(s: ListState, search: string): ListState {
  return search === s.search ? s : { ...s, search, page: 0 };
}

/** The sort button: a new key sorts ascending; the current key flips the order. */
export function sortedBy(s: ListState, key: SortBy): ListState {
  if (s.sortBy === key) {
    return { ...s, order: s.order === "asc" ? "desc" : "asc", page: 0 };
  }
  return { ...s, sortBy: key, order: "asc", page: 0 };
}

/** The page size that follows `size` among the server's `sizes`, round again after the last. */
export function nextPageSize(size: PageSize, sizes: readonly PageSize[]): PageSize {
  const i = sizes.indexOf(size);
  return sizes[(i + 1) % sizes.length] ?? size;
}

/** A new page size keeps the first row shown in view. */
export function withPageSize(s: ListState, size: PageSize): ListState {
  if (size === s.pageSize) {
    return s;
  }
  const first = s.page * s.pageSize;
  return { ...s, pageSize: size, page: Math.floor(first / size) };
}

export function hasPrevious(s: ListState): boolean {
  return s.page > 0;
}

export function hasNext(s: ListState, total: number): boolean {
  return s.page + 1 < pageCount(total, s.pageSize);
}

export function previous(s: ListState): ListState {
  return hasPrevious(s) ? { ...s, page: s.page - 1 } : s;
}

export function next(s: ListState, total: number): ListState {
  return hasNext(s, total) ? { ...s, page: s.page + 1 } : s;
}

/** After a delete (or anything that shrank the list) a page past the end shows the last one. */
export function clampToTotal(s: ListState, total: number): ListState {
  const last = pageCount(total, s.pageSize) - 1;
  return s.page > last ? { ...s, page: last } : s;
}

function sortWords(s: ListState): string {
  if (s.sortBy === "name") {
    return s.order === "asc" ? "name A→Z" : "name Z→A";
  }
  return s.order === "asc" ? "soonest expiry first" : "latest expiry first";
}

/** The QuickPick title: `ELITEA Tokens: 12 tokens · page 1 of 2 · soonest expiry first · 10 a page`. */
export function title(s: ListState, total: number): string {
  const count = s.search.trim()
    ? `${total} matching '${s.search.trim()}'`
    : `${total} token${total === 1 ? "" : "s"}`;
  return `ELITEA Tokens: ${count} · page ${s.page + 1} of ${pageCount(total, s.pageSize)} · ${sortWords(s)} · ${s.pageSize} a page`;
}

/** What the title bar buttons say they will do next. */
export function buttonTooltips(s: ListState, sizes: readonly PageSize[]): { byName: string; byExpiration: string; pageSize: string } {
  const byName =
    s.sortBy === "name" && s.order === "asc" ? "Sort by name, Z→A" : "Sort by name, A→Z";
  const byExpiration =
    s.sortBy === "expiration" && s.order === "asc"
      ? "Sort by expiration, latest first"
      : "Sort by expiration, soonest first";
  const pageSize = `Page size: ${s.pageSize} (click for ${nextPageSize(s.pageSize, sizes)})`;
  return { byName, byExpiration, pageSize };
}

/** The labels of the paging rows, or `undefined` where there is no such page. */
export function pagingRows(s: ListState, total: number): { previous?: string; next?: string } {
  const pages = pageCount(total, s.pageSize);
  const out: { previous?: string; next?: string } = {};
  if (hasPrevious(s)) {
    out.previous = `$(arrow-left) Previous page (${s.page} of ${pages})`;
  }
  if (hasNext(s, total)) {
    out.next = `$(arrow-right) Next page (${s.page + 2} of ${pages})`;
  }
  return out;
}

/** "1–10 of 37" (an en dash), or "0 of 0". */
export function rangeText(s: ListState, total: number): string {
  if (total === 0) {
    return "0 of 0";
  }
  const first = s.page * s.pageSize + 1;
  const last = Math.min(total, (s.page + 1) * s.pageSize);
  return `${first}\u2013${last} of ${total}`;
}
