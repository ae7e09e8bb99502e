// Show Tokens: a QuickPick over `elitea.listTokens`. The server searches, sorts and pages; this
// keeps the state (src/paging.ts), asks again as the user types or clicks, and runs the row
// actions.

import * as vscode from "vscode";

import * as paging from "../paging";
import type { Page, TokenRow } from "../protocol";
import { type Ctx, keepServerOrder, reportError, type TokenPickItem, tokenItem } from "./common";
import { deleteToken } from "./delete";
import { applyToVscode, previewSettings, saveForJetBrains } from "./settings";

const PREVIEW: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon("eye"), tooltip: "Preview settings" };
const APPLY: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon("settings-gear"), tooltip: "Apply to VSCode settings" };
const JETBRAINS: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon("save"), tooltip: "Save settings for JetBrains" };
const DELETE: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon("trash"), tooltip: "Delete token" };
const ROW_BUTTONS = [PREVIEW, APPLY, JETBRAINS, DELETE];

interface Item extends TokenPickItem {
  nav?: "previous" | "next" | "generate";
}

/**
 * The list keeps its sort and page size between openings in one window; a new opening starts
 * at the first page with no search, and the reopening after a delete keeps everything.
 */
let remembered: paging.ListState | undefined;

export async function showTokens(ctx: Ctx, reopen = false): Promise<void> {
  const rules = await ctx.server.rules();
  remembered ??= paging.initialState(rules.defaultPageSize);
  if (!reopen) {
    remembered = { ...remembered, search: "", page: 0 };
  }
  const qp = vscode.window.createQuickPick<Item>();
  qp.placeholder = "Search your tokens by name";
  qp.matchOnDescription = false;
  qp.matchOnDetail = false;
  qp.ignoreFocusOut = false;
  keepServerOrder(qp as unknown as vscode.QuickPick<vscode.QuickPickItem>);
  let state = remembered;
  const sizes = () => rules.pageSizes;
  let total = 0;
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  qp.value = state.search;

  let buttons: vscode.QuickInputButton[] = [];
  const refreshButtons = () => {
    const t = paging.buttonTooltips(state, sizes());
    const arrow = state.order === "asc" ? "arrow-down" : "arrow-up";
    // New objects each time: VSCode redraws the buttons only when the property is set.
    buttons = [
      { iconPath: new vscode.ThemeIcon(state.sortBy === "name" ? arrow : "case-sensitive"), tooltip: t.byName },
      { iconPath: new vscode.ThemeIcon(state.sortBy === "expiration" ? arrow : "calendar"), tooltip: t.byExpiration },
      { iconPath: new vscode.ThemeIcon("list-ordered"), tooltip: t.pageSize },
      { iconPath: new vscode.ThemeIcon("preview"), tooltip: "Open the Personal Tokens page" },
    ];
    qp.buttons = buttons;
  };

  const render = (page: Page) => {
    total = page.total;
    const items: Item[] = page.items.map((r) => tokenItem(r, ROW_BUTTONS));
    if (page.items.length === 0) {
      items.push({
        label: state.search.trim() ? `$(search) No token matches '${state.search.trim()}'` : "$(info) You have no tokens yet",
        alwaysShow: true,
      });
    }
    const rows = paging.pagingRows(state, total);
    if (rows.previous) {
      items.push({ label: rows.previous, alwaysShow: true, nav: "previous" });
    }
    if (rows.next) {
      items.push({ label: rows.next, alwaysShow: true, nav: "next" });
    }
    items.push({ label: "$(add) Generate a new token…", alwaysShow: true, nav: "generate" });
    qp.items = items;
    qp.title = paging.title(state, total);
    refreshButtons();
  };

  const load = async (next: paging.ListState) => {
    state = next;
    remembered = next;
    const mine = ++seq;
    qp.busy = true;
    refreshButtons();
    try {
      const page = await ctx.server.execute("elitea.listTokens", paging.toQuery(state));
      if (mine !== seq) {
        return;
      }
      if (page.pageSize !== state.pageSize) {
        state = { ...state, pageSize: page.pageSize };
      }
      // A page past the end (after a delete, or another window's) shows the last one.
      const clamped = paging.clampToTotal(state, page.total);
      if (clamped !== state && page.total > 0) {
        void load(clamped);
        return;
      }
      render(page);
    } catch (e) {
      if (mine === seq) {
        qp.hide();
        reportError(e);
      }
    } finally {
      if (mine === seq) {
        qp.busy = false;
      }
    }
  };

  const runAction = async (action: () => Promise<unknown>, reopen: boolean) => {
    qp.hide();
    await action();
    if (reopen) {
      void showTokens(ctx, true);
    }
  };

  qp.onDidChangeValue((v) => {
    clearTimeout(timer);
    timer = setTimeout(() => void load(paging.withSearch(state, v)), 250);
  });
  qp.onDidTriggerButton((b) => {
    const i = buttons.findIndex((x) => x === b || x.tooltip === b.tooltip);
    if (i === 0) {
      void load(paging.sortedBy(state, "name"));
    } else if (i === 1) {
      void load(paging.sortedBy(state, "expiration"));
    } else if (i === 3) {
      qp.hide();
      void vscode.commands.executeCommand("elitea.openTokensPage");
    } else if (i === 2) {
      void load(paging.withPageSize(state, paging.nextPageSize(state.pageSize, sizes())));
    }
  });
  qp.onDidTriggerItemButton(({ item, button }) => {
    const row = item.row;
    if (!row) {
      return;
    }
    if (button === PREVIEW) {
      void runAction(() => previewSettings(ctx, row), false);
    } else if (button === APPLY) {
      void runAction(() => applyToVscode(ctx, row), false);
    } else if (button === JETBRAINS) {
      void runAction(() => saveForJetBrains(ctx, row), false);
    } else if (button === DELETE) {
      void runAction(() => deleteToken(ctx, row), true);
    }
  });
  qp.onDidAccept(() => {
    const item = qp.selectedItems[0] ?? qp.activeItems[0];
    if (!item) {
      return;
    }
    if (item.nav === "previous") {
      void load(paging.previous(state));
    } else if (item.nav === "next") {
      void load(paging.next(state, total));
    } else if (item.nav === "generate") {
      qp.hide();
      void vscode.commands.executeCommand("elitea.generateToken");
    } else if (item.row) {
      const row = item.row;
      void runAction(() => tokenActions(ctx, row), false);
    }
  });
  qp.onDidHide(() => {
    clearTimeout(timer);
    seq++;
    qp.dispose();
  });
  qp.show();
  await load(state);
}

/** Enter on a row: the same actions as its buttons, for the keyboard. */
async function tokenActions(ctx: Ctx, row: TokenRow): Promise<void> {
  const items = [
    { label: "$(eye) Preview Settings", run: () => previewSettings(ctx, row) },
    { label: "$(settings-gear) Apply to VSCode Settings", run: () => applyToVscode(ctx, row) },
    { label: "$(save) Save Settings for JetBrains", run: () => saveForJetBrains(ctx, row) },
    { label: "$(sync) Rotate Token", run: () => vscode.commands.executeCommand("elitea.rotateToken", row) },
    { label: "$(copy) Copy Name", run: () => vscode.env.clipboard.writeText(row.displayName) },
    { label: "$(trash) Delete Token", run: () => deleteToken(ctx, row) },
  ];
  const c = await vscode.window.showQuickPick(items, { title: `${row.displayName} ${row.masked} · ${row.status.label}` });
  await c?.run();
}
