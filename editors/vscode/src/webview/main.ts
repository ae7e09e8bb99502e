// The Personal Tokens page inside the webview. It draws what the extension sends (a PageView)
// and posts back what the user did; it decides nothing (no rule, no sorting, no paging
// arithmetic) and keeps nothing: the one-time value lives only in the DOM while it is shown,
// never in `setState`. Built into dist/webview/tokens.js with the @vscode-elements bundle.

import "@vscode-elements/elements/dist/bundled.js";

import type { PageView, RowView } from "../pageModel";

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (m: unknown) => vscode.postMessage(m);

function el(tag: string, attrs: Record<string, string> = {}, text?: string): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    e.setAttribute(k, v);
  }
  if (text !== undefined) {
    e.textContent = text;
  }
  return e;
}

const $ = (id: string) => document.getElementById(id)!;

// ---- search, generate ---------------------------------------------------------------------

const search = $("search") as HTMLElement & { value: string };
let searchTimer: number | undefined;
search.addEventListener("input", () => {
  window.clearTimeout(searchTimer);
  // The server searches; a short pause after the last key keeps it to one request per word.
  searchTimer = window.setTimeout(() => post({ type: "search", text: search.value }), 250);
});
$("generate").addEventListener("click", () => post({ type: "generate" }));

// ---- the table ----------------------------------------------------------------------------

for (const by of ["name", "expiration"] as const) {
  $(`sort-${by}`).addEventListener("click", () => post({ type: "sort", by }));
}
$("previous").addEventListener("click", () => post({ type: "previous" }));
$("next").addEventListener("click", () => post({ type: "next" }));

const ACTIONS: { action: string; icon: string; label: string; needsFolder?: boolean }[] = [
  { action: "previewVscode", icon: "open-preview", label: "Preview VSCode settings" },
  { action: "previewJetbrains", icon: "file-code", label: "Preview JetBrains settings" },
  { action: "applyUser", icon: "account", label: "Apply to user settings" },
  { action: "applyWorkspace", icon: "folder", label: "Apply to workspace", needsFolder: true },
  { action: "rotate", icon: "sync", label: "Rotate" },
  { action: "delete", icon: "trash", label: "Delete" },
];

function row(r: RowView, hasFolder: boolean): HTMLElement {
  const tr = el("tr", { "data-uuid": r.uuid, "data-name": r.name });
  tr.append(el("td", { class: "name" }, r.name));
  tr.append(el("td", { class: "masked" }, r.masked));
  const exp = el("td", { class: "expires" });
  if (r.date) {
    exp.append(el("span", { class: "date" }, r.date));
  }
  exp.append(el("span", { class: `state ${r.kind}` }, r.state));
  if (r.label) {
    exp.append(el("span", { class: "label" }, r.label));
  }
  tr.append(exp);
  const used = el("td", { class: "used-in", title: r.usedInFiles.join("\n") }, r.usedIn.join(", ") || "—");
  tr.append(used);
  const actions = el("td", { class: "actions" });
  for (const a of ACTIONS) {
    if (a.needsFolder && !hasFolder) {
      continue;
    }
    const b = el("vscode-icon", { name: a.icon, "action-icon": "", label: `${a.label}: ${r.name}`, title: a.label, "data-action": a.action });
    b.addEventListener("click", () => post({ type: "row", action: a.action, uuid: r.uuid }));
    actions.append(b);
  }
  tr.append(actions);
  return tr;
}

function render(v: PageView): void {
  if (search.value !== v.search && document.activeElement !== search) {
    search.value = v.search;
  }
  for (const by of ["name", "expiration"] as const) {
    const h = $(`sort-${by}`);
    const active = v.sortBy === by;
    h.closest("th")!.setAttribute("aria-sort", active ? (v.order === "asc" ? "ascending" : "descending") : "none");
    $(`arrow-${by}`).textContent = active ? (v.order === "asc" ? "↑" : "↓") : "";
  }
  const body = $("rows");
  body.replaceChildren(...v.rows.map((r) => row(r, v.hasFolder)));
  const empty = $("empty");
  empty.textContent = v.empty ?? "";
  empty.hidden = !v.empty;
  $("range").textContent = v.range;
  const sizes = $("page-sizes");
  sizes.replaceChildren(
    ...v.pageSizes.map((n) => {
      const b = el("vscode-button", { "data-size": String(n), "aria-pressed": String(n === v.pageSize) }, String(n));
      if (n !== v.pageSize) {
        b.setAttribute("secondary", "");
      }
      b.addEventListener("click", () => post({ type: "pageSize", size: n }));
      return b;
    }),
  );
  toggle($("previous"), v.hasPrevious);
  toggle($("next"), v.hasNext);
  document.body.dataset.loaded = "true";
}

function toggle(b: HTMLElement, enabled: boolean): void {
  if (enabled) {
    b.removeAttribute("disabled");
  } else {
    b.setAttribute("disabled", "");
  }
}

// ---- the one-time value -------------------------------------------------------------------

interface Generated {
  name: string;
  masked: string;
  value: string;
  label: string;
  kept: string;
  hasFolder: boolean;
}

function showGenerated(g: Generated): void {
  const box = $("generated");
  const value = el("code", { id: "generated-value" }, g.value);
  const buttons = el("div", { class: "buttons" });
  const button = (text: string, action: string, secondary = true) => {
    const b = el("vscode-button", { "data-action": action }, text);
    if (secondary) {
      b.setAttribute("secondary", "");
    }
    b.addEventListener("click", () => post({ type: "generated", action }));
    buttons.append(b);
  };
  button("Copy", "copy", false);
  button("Apply to user settings", "applyUser");
  if (g.hasFolder) {
    button("Apply to workspace settings", "applyWorkspace");
  }
  button("Done", "done");
  box.replaceChildren(
    el("h2", {}, `Token '${g.name}' generated (${g.masked})`),
    value,
    el("p", {}, `This is the only time the value is shown. Expires: ${g.label}. ${g.kept}`),
    el("p", { id: "generated-note" }),
    buttons,
  );
  box.hidden = false;
}

function hideGenerated(): void {
  const box = $("generated");
  box.replaceChildren();
  box.hidden = true;
}

window.addEventListener("message", (e: MessageEvent) => {
  const m = e.data as { type: string; view?: PageView; generated?: Generated; text?: string };
  if (m.type === "view" && m.view) {
    render(m.view);
  } else if (m.type === "generated" && m.generated) {
    showGenerated(m.generated);
  } else if (m.type === "generatedGone") {
    hideGenerated();
  } else if (m.type === "note") {
    const n = document.getElementById("generated-note");
    if (n) {
      n.textContent = m.text ?? "";
    }
  } else if (m.type === "busy") {
    $("busy").hidden = !(m as { busy?: boolean }).busy;
  }
});

post({ type: "ready" });
