// ELITEA: Open Personal Tokens: the web UI's Personal Tokens page, as a webview panel. The
// extension asks the server (search, sort and paging happen there), computes what to show
// (src/pageModel.ts) and runs the row actions with the same flows as the commands; the
// webview (src/webview/main.ts) only draws and reports clicks.

import * as crypto from "node:crypto";
import * as os from "node:os";

import * as vscode from "vscode";

import { type FromWebview, pageView, parseMessage } from "./pageModel";
import * as paging from "./paging";
import type { GeneratedToken, TokenRow } from "./protocol";
import { type Ctx, reportError } from "./ui/common";
import { deleteToken } from "./ui/delete";
import { generateInteractive, keptSentence } from "./ui/generate";
import { rotateToken } from "./ui/rotate";
import { applyToVscode, previewSettings } from "./ui/settings";

export class TokensPage implements vscode.Disposable {
  private static current: TokensPage | undefined;

  private state: paging.ListState | undefined;
  private rows = new Map<string, TokenRow>();
  private total = 0;
  private seq = 0;
  /** The value just generated, while the page shows it; forgotten on Done or when the page goes. */
  private generated: GeneratedToken | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static show(ctx: Ctx, extensionUri: vscode.Uri, hasFolder: () => boolean): TokensPage {
    if (TokensPage.current) {
      TokensPage.current.panel.reveal();
      void TokensPage.current.refresh();
      return TokensPage.current;
    }
    const panel = vscode.window.createWebviewPanel("elitea.tokens", "ELITEA: Personal Tokens", vscode.ViewColumn.Active, {
      enableScripts: true,
      // Only the page's own script, styles and font; nothing remote.
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, "dist", "webview")],
    });
    TokensPage.current = new TokensPage(panel, ctx, extensionUri, hasFolder);
    return TokensPage.current;
  }

  /** Asks the open page (if any) to load again: after a change made elsewhere. */
  static refreshIfOpen(): void {
    void TokensPage.current?.refresh();
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly ctx: Ctx,
    extensionUri: vscode.Uri,
    private readonly hasFolder: () => boolean,
  ) {
    panel.webview.html = html(panel.webview, extensionUri);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m) => {
        const msg = parseMessage(m);
        if (msg) {
          void this.handle(msg).catch((e) => reportError(e));
        }
      }),
    );
  }

  private post(m: unknown): void {
    void this.panel.webview.postMessage(m);
  }

  private async listState(): Promise<paging.ListState> {
    this.state ??= paging.initialState((await this.ctx.server.rules()).defaultPageSize);
    return this.state;
  }

  async refresh(next?: paging.ListState): Promise<void> {
    let state: paging.ListState;
    let sizes: number[];
    try {
      state = next ?? (await this.listState());
      sizes = (await this.ctx.server.rules()).pageSizes;
    } catch (e) {
      // No rules from the server (src/server.ts says why): nothing to page with.
      reportError(e);
      return;
    }
    this.state = state;
    const mine = ++this.seq;
    this.post({ type: "busy", busy: true });
    try {
      const page = await this.ctx.server.execute("elitea.listTokens", paging.toQuery(state));
      if (mine !== this.seq) {
        return;
      }
      const clamped = paging.clampToTotal(state, page.total);
      if (clamped !== state && page.total > 0) {
        await this.refresh(clamped);
        return;
      }
      // An older server answers with its own page size; keep what it used.
      if (page.pageSize !== state.pageSize) {
        this.state = { ...state, pageSize: page.pageSize };
      }
      this.rows = new Map(page.items.map((r) => [r.uuid, r]));
      this.total = page.total;
      const env = { home: os.homedir(), hasFolder: this.hasFolder() };
      const view = pageView(this.state, page, sizes, env, vscode.env.language);
      this.post({ type: "view", view });
    } catch (e) {
      if (mine === this.seq) {
        reportError(e);
      }
    } finally {
      if (mine === this.seq) {
        this.post({ type: "busy", busy: false });
      }
    }
  }

  private async handle(m: FromWebview): Promise<void> {
    const s = await this.listState();
    switch (m.type) {
      case "ready":
        // A (re)loaded page: the one-time value is gone for good.
        this.generated = undefined;
        return this.refresh();
      case "search":
        return this.refresh(paging.withSearch(s, m.text));
      case "sort":
        return this.refresh(paging.sortedBy(s, m.by));
      case "pageSize":
        if (!(await this.ctx.server.rules()).pageSizes.includes(m.size)) {
          return;
        }
        return this.refresh(paging.withPageSize(s, m.size));
      case "previous":
        return this.refresh(paging.previous(s));
      case "next":
        return this.refresh(paging.next(s, this.total));
      case "generate":
        return this.generate();
      case "generated":
        return this.onGenerated(m.action);
      case "row":
        return this.rowAction(m.action, m.uuid);
    }
  }

  private async generate(): Promise<void> {
    const made = await generateInteractive(this.ctx);
    if (!made) {
      return;
    }
    this.generated = made;
    const hasFolder = this.hasFolder();
    this.post({
      type: "generated",
      generated: {
        name: made.displayName,
        masked: made.masked,
        value: made.token,
        label: made.status.label,
        kept: keptSentence(made),
        hasFolder,
      },
    });
    await this.refresh();
  }

  private async onGenerated(action: "copy" | "applyUser" | "applyWorkspace" | "done"): Promise<void> {
    const made = this.generated;
    if (action === "done" || !made) {
      this.generated = undefined;
      this.post({ type: "generatedGone" });
      return;
    }
    if (action === "copy") {
      await vscode.env.clipboard.writeText(made.token);
      this.post({ type: "note", text: "Copied to the clipboard." });
    } else {
      const ok = await applyToVscode(this.ctx, made, action === "applyUser" ? "user" : "workspace");
      if (ok) {
        await this.refresh();
      }
    }
  }

  private async rowAction(action: string, uuid: string): Promise<void> {
    const row = this.rows.get(uuid);
    if (!row) {
      return;
    }
    switch (action) {
      case "previewVscode":
        return previewSettings(this.ctx, row, "vscode");
      case "previewJetbrains":
        return previewSettings(this.ctx, row, "jetbrains");
      case "applyUser":
        await applyToVscode(this.ctx, row, "user");
        break;
      case "applyWorkspace":
        await applyToVscode(this.ctx, row, "workspace");
        break;
      case "rotate":
        await rotateToken(this.ctx, row);
        break;
      case "delete":
        await deleteToken(this.ctx, row);
        break;
    }
    await this.refresh();
  }

  dispose(): void {
    if (TokensPage.current === this) {
      TokensPage.current = undefined;
    }
    this.generated = undefined;
    this.seq++;
    for (const d of this.disposables) {
      d.dispose();
    }
    this.panel.dispose();
  }
}

function html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = crypto.randomBytes(18).toString("base64");
  const asset = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, "dist", "webview", f)).toString();
  // Scripts only with the nonce; styles from the extension or with the nonce; no remote
  // content, no inline handlers, nothing from the network.
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
  ].join("; ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset("codicon.css")}" nonce="${nonce}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${asset("tokens.css")}" nonce="${nonce}">
<title>ELITEA: Personal Tokens</title>
</head>
<body>
<header>
  <h1>Personal Tokens</h1>
  <div class="toolbar">
    <vscode-textfield id="search" placeholder="Search tokens by name" aria-label="Search tokens by name"><vscode-icon slot="content-before" name="search"></vscode-icon></vscode-textfield>
    <vscode-button id="generate" icon="add">Generate</vscode-button>
  </div>
</header>
<section id="generated" hidden aria-live="polite"></section>
<vscode-progress-bar id="busy" hidden></vscode-progress-bar>
<table>
  <thead>
    <tr>
      <th aria-sort="none"><button id="sort-name" class="sort" title="Sort by name">Name <span id="arrow-name"></span></button></th>
      <th>Token</th>
      <th aria-sort="none"><button id="sort-expiration" class="sort" title="Sort by expiry">Expires <span id="arrow-expiration"></span></button></th>
      <th>Used in</th>
      <th><span class="visually-hidden">Actions</span></th>
    </tr>
  </thead>
  <tbody id="rows"></tbody>
</table>
<p id="empty" hidden></p>
<footer>
  <span class="sizes-label">Rows per page</span>
  <span id="page-sizes" role="group" aria-label="Rows per page"></span>
  <span id="range"></span>
  <vscode-button id="previous" secondary icon="chevron-left" aria-label="Previous page" disabled>Previous</vscode-button>
  <vscode-button id="next" secondary icon-after="chevron-right" aria-label="Next page" disabled>Next</vscode-button>
</footer>
<script nonce="${nonce}" src="${asset("tokens.js")}"></script>
</body>
</html>`;
}
