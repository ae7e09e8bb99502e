// End to end, in a real VSCode (code-server) with the packaged extension and its bundled
// language server, driven through the command palette by Chromium, against the ELITEA sandbox.
// Steps run in order and build on each other; each leaves a screenshot in
// test-artifacts/vscode/.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";

import {
  type ApiRow,
  type CodeServer,
  config,
  killGroup,
  log,
  parseJsonc,
  type Sandbox,
  startCodeServer,
  startSandbox,
  tmpDir,
  waitFor,
  Workbench,
} from "./harness";

const USER_SETTINGS = `{
  // My own settings: this comment must survive every write.
  "editor.fontSize": 14,
  /* Block comments too. */
  "elitea.secrets.store": "file", // no keyring daemon on a CI machine
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "workbench.tips.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.disableAIFeatures": true,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none",
  "git.enabled": false,
  "remote.autoForwardPorts": false,
  "workbench.editor.useModal": "off",
}
`;

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

let dir = "";
let sandbox: Sandbox | undefined;
let cs: CodeServer | undefined;
let wb: Workbench;
/** The value the one-time dialog showed for VSCode-Dev. */
let shownValue = "";

async function tokens(): Promise<ApiRow[]> {
  const r = await sandbox!.api<ApiRow[]>("GET", "/api/v2/auth/token/");
  assert.equal(r.status, 200);
  return r.json;
}

function userSettings(): Record<string, unknown> {
  return parseJsonc(fs.readFileSync(cs!.userSettings, "utf8"));
}

/** Answers the Generate Token prompts: name, measure, value. */
async function generate(name: string, measure: string, value: string): Promise<{ message: string; detail: string }> {
  await wb.palette("ELITEA: Generate Token");
  await wb.waitQuickInput("Generate Token (1/3)");
  await wb.type(name);
  await wb.enter();
  await wb.waitQuickInput("Generate Token (2/3)");
  await wb.pick(new RegExp(`^${measure}`));
  await wb.waitQuickInput("Generate Token (3/3)");
  await wb.type(value);
  await wb.enter();
  return wb.waitDialog();
}

/** Set once signing in worked: every later step needs an account, and is skipped without. */
let signedIn = false;

/**
 * One step of the story. Steps after a failed sign-in are reported as skipped, not failed.
 * Each starts from a quiet workbench, unless it goes on from the dialog the last one left.
 */
function step(name: string, timeoutMs: number, fn: () => Promise<void>): void {
  const needsAccount = !/^(the extension starts|sign in)/.test(name);
  const continues = /^apply to user settings/.test(name);
  test(name, { timeout: timeoutMs }, async (t) => {
    // For work on the test itself: ELITEA_E2E_SKIP=regex leaves steps out.
    const skip = process.env.ELITEA_E2E_SKIP;
    if (skip && new RegExp(skip).test(name)) {
      t.skip("ELITEA_E2E_SKIP");
      return;
    }
    if (needsAccount && !signedIn) {
      t.skip("not signed in: see the sign-in steps");
      return;
    }
    if (!continues) {
      await wb.reset();
    }
    try {
      await fn();
    } catch (e) {
      await wb.screenshot(`FAILED-${name.replace(/[^A-Za-z0-9]+/g, "-").slice(0, 60)}`).catch(() => undefined);
      if (await wb.quickInputVisible().catch(() => false)) {
        log(`quick input: ${await wb.quickInputTitle()} | rows: ${(await wb.rows()).join(" | ")}`);
      }
      throw e;
    }
  });
}

describe("ELITEA Tokens in VSCode", { concurrency: false }, () => {
  before(async () => {
    fs.rmSync(config.artifacts, { recursive: true, force: true });
    fs.mkdirSync(config.artifacts, { recursive: true });
    for (const f of [config.node, config.codeServer, config.vsix, config.binary, config.chromium]) {
      assert.ok(fs.existsSync(f), `missing ${f}`);
    }
    dir = tmpDir("elitea-vscode-e2e-");
    log(`working in ${dir}`);
    const sb = await startSandbox(dir);
    sandbox = sb;
    log(`sandbox at ${sb.url}`);
    // Tokens to search and page through: 12 seeded, with the bootstrap token 13, and the
    // ones generated below.
    const lifetimes = [
      { measure: "days", value: 3 },
      { measure: "days", value: 45 },
      { measure: "weeks", value: 2 },
      { measure: "hours", value: 20 },
      { measure: "days", value: 90 },
      { measure: "days", value: 10 },
    ];
    for (const group of ["alpha", "beta"]) {
      for (let i = 0; i < 6; i++) {
        const r = await sb.api<ApiRow>("POST", "/api/v2/auth/token/", {
          name: `seed-${group}-0${i + 1}`,
          expires: lifetimes[i],
        });
        assert.equal(r.status, 200, JSON.stringify(r.json));
      }
    }
    cs = await startCodeServer(dir, USER_SETTINGS, { ELITEA_TOKENS_DATA_DIR: path.join(dir, "elitea-data") });
    log(`code-server at ${cs.url}`);
    wb = await Workbench.open(cs.url, cs.workspace, path.join(dir, "chromium-profile"));
  });

  after(async () => {
    try {
      if (cs) {
        // The extension's log and code-server's, for whoever reads a failure.
        for (const f of walk(cs.logsDir).filter((p) => p.includes("elitea.elitea-tokens") || p.endsWith("remoteagent.log"))) {
          fs.copyFileSync(f, path.join(config.artifacts, path.basename(f).replace(/ /g, "-")));
        }
        for (const f of ["code-server.log", "sandbox.log"]) {
          if (fs.existsSync(path.join(dir, f))) {
            fs.copyFileSync(path.join(dir, f), path.join(config.artifacts, f));
          }
        }
      }
    } catch (e) {
      log(`collecting logs: ${String(e)}`);
    }
    await wb?.close();
    killGroup(cs?.proc);
    killGroup(sandbox?.proc);
    await new Promise((r) => setTimeout(r, 500));
    if (dir && !process.env.ELITEA_E2E_KEEP) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  step("the extension starts its bundled server and shows the status bar item", 90_000, async () => {
    const item = await waitFor("the ELITEA status bar item", async () => {
      const s = await wb.statusItem();
      return s.text.includes("ELITEA") ? s : undefined;
    }, 60_000);
    assert.match(item.tooltip, /not signed in|No ELITEA token/);
    await wb.screenshot("started");
  });

  step("sign in to the embedded sandbox, then sign out", 90_000, async () => {
    await wb.palette("ELITEA: Sign In");
    await wb.waitQuickInput("Sign In (1/3)");
    await wb.screenshot("sign-in-server-choice");
    await wb.pick(/^sandbox/);
    await wb.waitQuickInput("Sign In (2/3)");
    await wb.enter();
    await wb.waitQuickInput("Sign In (3/3)");
    assert.equal(await wb.quickInputBox.getAttribute("type"), "password");
    await wb.enter();
    await wb.waitNotification(/Signed in to the ELITEA sandbox \(http:\/\/127\.0\.0\.1:\d+\) as Dev User/, 60_000);
    await wb.screenshot("signed-in-embedded-sandbox");
    await wb.palette("ELITEA: Sign Out");
    await wb.waitNotification(/Signed out of ELITEA/);
    await wb.clearNotifications();
  });

  step("sign in with a server address and a token in a password box", 90_000, async () => {
    await wb.palette("ELITEA: Sign In");
    await wb.waitQuickInput("Sign In (1/3)");
    await wb.type(sandbox!.url);
    await wb.row(sandbox!.url).waitFor();
    await wb.enter();
    await wb.waitQuickInput("Sign In (2/3)");
    await wb.type("abc");
    await wb.waitMessage(/whole number/);
    await wb.type("");
    await wb.enter();
    await wb.waitQuickInput("Sign In (3/3)");
    assert.equal(await wb.quickInputBox.getAttribute("type"), "password");
    await wb.type(sandbox!.bootstrap);
    await wb.screenshot("sign-in-token-password-box");
    await wb.enter();
    await wb.waitNotification(new RegExp(`Signed in to ${sandbox!.url.replace(/[.:/]/g, "\\$&")} as Dev User`), 60_000);
    signedIn = true;
    await wb.screenshot("signed-in");
    await wb.clearNotifications();
  });

  step("generate a token: the name is checked as it is typed, the value shown once", 90_000, async () => {
    await wb.palette("ELITEA: Generate Token");
    await wb.waitQuickInput("Generate Token (1/3)");
    await wb.type("VSCode Dev");
    await wb.waitMessage(/letters, digits/);
    await wb.screenshot("generate-invalid-name");
    await wb.type("seed-alpha-01");
    await wb.waitMessage(/already have a token named 'seed-alpha-01'/);
    await wb.screenshot("generate-taken-name");
    await wb.type("VSCode-Dev");
    await wb.waitMessage(/unique among your tokens/);
    await wb.enter();
    await wb.waitQuickInput("Generate Token (2/3)");
    const measures = (await wb.rows()).map((r) => r.split(",")[0]);
    assert.deepEqual(measures, ["Never", "Days", "Weeks", "Hours", "Minutes"]);
    await wb.pick(/^Days/);
    await wb.waitQuickInput("Generate Token (3/3)");
    assert.equal(await wb.quickInputBox.inputValue(), "30");
    await wb.enter();
    const d = await wb.waitDialog();
    await wb.screenshot("generated-one-time-dialog");
    assert.match(d.message, /Token 'VSCode-Dev' generated \(\.\.\.[A-Za-z0-9_-]{4}\)/);
    shownValue = d.detail.split("\n")[0]!.trim();
    assert.match(shownValue, JWT, "the dialog shows the full value");
    assert.match(d.detail, /only time the value is shown/);
    const buttons = await wb.dialog.locator(".dialog-buttons .monaco-button").allTextContents();
    for (const b of ["Copy", "Apply to User Settings", "Apply to Workspace Settings"]) {
      assert.ok(buttons.includes(b), `dialog button ${b} in ${buttons.join("|")}`);
    }
    const row = (await tokens()).find((t) => t.name === "VSCode-Dev");
    assert.ok(row, "the token exists on the server");
    assert.equal(row.token, `...${shownValue.slice(-7)}`, "the server's masked value ends like the shown one");
  });

  step("apply to user settings: the real value on disk, comments kept", 90_000, async () => {
    await wb.clickDialogButton("Apply to User Settings");
    await wb.waitNotification(/ELITEA settings for 'VSCode-Dev'.*written in/, 60_000);
    await wb.screenshot("applied-to-user-settings");
    const text = fs.readFileSync(cs!.userSettings, "utf8");
    assert.ok(text.includes("// My own settings: this comment must survive every write."), text);
    assert.ok(text.includes("/* Block comments too. */"), text);
    assert.ok(text.includes("// no keyring daemon on a CI machine"), text);
    const s = userSettings();
    assert.equal(s["editor.fontSize"], 14);
    assert.equal(s["alitacode.LLMAuthToken"], shownValue);
    assert.equal(s["alitacode.authToken"], shownValue);
    assert.equal(s["eliteacode.LLMAuthToken"], shownValue);
    assert.equal(s["alitacode.providerServerURL"], sandbox!.url);
    assert.equal(s["eliteacode.projectId"], 123);
    assert.match(String(s["eliteacode.integrationUid"]), /^123_.+/);
    const item = await waitFor("the status bar to show the token in use", async () => {
      const st = await wb.statusItem();
      return st.text.includes("30 days") ? st : undefined;
    });
    assert.doesNotMatch(item.className, /warning-kind|error-kind/);
    await wb.clearNotifications();
    await wb.screenshot("status-bar-30-days");
  });

  step("Show Tokens: pages, page sizes, sorting and live search", 120_000, async () => {
    await wb.palette("ELITEA: Show Tokens");
    await wb.waitQuickInput(/ELITEA Tokens: 14 tokens · page 1 of 2/);
    // Ten tokens, "Next page", "Generate a new token".
    await waitFor("twelve rows", async () => ((await wb.rowCount()) === 12 ? true : undefined));
    const first = await wb.rows();
    assert.match(first[0]!, /^seed-alpha-04, \.\.\..*in 20 hours/, first.join("\n"));
    assert.ok(await wb.row(/Next page \(2 of 2\)/).count(), "a Next page row");
    await wb.screenshot("show-tokens-page-1");
    await wb.pick(/Next page/);
    await wb.waitQuickInput(/page 2 of 2/);
    assert.equal(await wb.rowCount(), 4 + 2);
    assert.ok((await wb.rows()).some((r) => /Previous page \(1 of 2\)/.test(r)));
    await wb.screenshot("show-tokens-page-2");
    // Page size: 10 → 50 → 100 → 5.
    await wb.clickTitleButton("Page size: 10");
    await wb.waitQuickInput(/page 1 of 1 · .* · 50 a page/);
    await wb.clickTitleButton("Page size: 50");
    await wb.waitQuickInput(/100 a page/);
    await wb.clickTitleButton("Page size: 100");
    await wb.waitQuickInput(/page 1 of 3 · .* · 5 a page/);
    assert.equal(await wb.rowCount(), 5 + 2);
    await wb.pick(/Next page \(2 of 3\)/);
    await wb.waitQuickInput(/page 2 of 3/);
    await wb.screenshot("show-tokens-5-a-page-page-2");
    // Sort by name, both directions.
    await wb.clickTitleButton("Sort by name, A→Z");
    await wb.waitQuickInput(/page 1 of 3 · name A→Z/);
    await waitFor("name order", async () => ((await wb.rows())[0]?.startsWith("bootstrap") ? true : undefined));
    await wb.clickTitleButton("Sort by name, Z→A");
    await wb.waitQuickInput(/name Z→A/);
    await waitFor("reverse name order", async () => ((await wb.rows())[0]?.startsWith("VSCode-Dev") ? true : undefined));
    await wb.screenshot("show-tokens-by-name-desc");
    // Live search, on the server, as the user types.
    await wb.type("beta");
    await wb.waitQuickInput(/6 matching 'beta' · page 1 of 2 · name Z→A/);
    assert.equal(await wb.rowCount(), 5 + 2);
    const found = (await wb.rows()).filter((r) => r.includes("..."));
    assert.ok(found.every((r) => r.startsWith("seed-beta-")), found.join("\n"));
    assert.ok(found[0]!.startsWith("seed-beta-06"), "still Z→A");
    await wb.screenshot("show-tokens-search-beta");
    await wb.pick(/Next page \(2 of 2\)/);
    await wb.waitQuickInput(/6 matching 'beta' · page 2 of 2/);
    const rest = (await wb.rows()).filter((r) => r.includes("..."));
    assert.deepEqual(rest.map((r) => r.split(",")[0]), ["seed-beta-01"]);
    await wb.type("nothing-like-this");
    await wb.waitQuickInput(/0 matching/);
    assert.ok((await wb.rows()).some((r) => r.includes("No token matches")));
    await wb.escape();
  });

  step("preview settings: an untitled document with Copy and Save As", 90_000, async () => {
    await wb.palette("ELITEA: Show Tokens");
    await wb.waitQuickInput(/ELITEA Tokens/);
    await wb.type("VSCode-Dev");
    await wb.waitQuickInput(/1 matching 'VSCode-Dev'/);
    await wb.clickItemButton(/^VSCode-Dev/, "Preview settings");
    await wb.waitQuickInput(/Preview the ELITEA settings/);
    await wb.pick(/VSCode/);
    const n = await wb.waitNotification(/Preview of \.vscode\/settings\.json for 'VSCode-Dev'/, 60_000);
    assert.ok(await n.locator(".monaco-button", { hasText: "Copy" }).count());
    assert.ok(await n.locator(".monaco-button", { hasText: "Save As" }).count());
    const editor = wb.page.locator(".editor-instance .view-lines").first();
    await waitFor("the preview's JSON", async () => ((await editor.textContent())?.includes("alitacode.LLMServerUrl") ? true : undefined));
    await wb.screenshot("preview-vscode-settings");
    await wb.palette("ELITEA: Preview Settings");
    await wb.waitQuickInput(/Preview Settings: which token/);
    await wb.search("VSCode-Dev");
    await wb.pick(/^VSCode-Dev/);
    await wb.waitQuickInput(/Preview the ELITEA settings/);
    await wb.pick(/JetBrains/);
    await wb.waitNotification(/Preview of \.idea\/(alita|elitea)\.xml/, 60_000);
    await waitFor("the preview's XML", async () => ((await editor.textContent())?.includes("AlitaSettings") ? true : undefined));
    await wb.screenshot("preview-jetbrains-settings");
    await wb.palette("View: Revert and Close Editor");
    await wb.palette("View: Revert and Close Editor");
    await wb.clearNotifications();
  });

  step("a settings change reaches the running server: elitea.settingsSchema = current", 120_000, async () => {
    // As a user does it: in the settings.json editor, saved with Ctrl+S.
    const editUserSettings = async (edit: () => Promise<void>) => {
      await wb.palette("Preferences: Open User Settings (JSON)");
      const monaco = wb.page.locator(".editor-instance .monaco-editor").first();
      await monaco.waitFor({ state: "visible" });
      await waitFor("settings.json in the editor", async () => ((await wb.editorText("My own settings")) ? true : undefined));
      await monaco.locator(".view-lines").click();
      await edit();
      await wb.page.keyboard.press("Control+S");
      await wb.page.waitForTimeout(500);
      await wb.palette("View: Close Editor");
    };
    const previewText = async (ide: "VSCode" | "JetBrains", file: RegExp) => {
      await wb.reset();
      await wb.palette("ELITEA: Preview Settings");
      await wb.waitQuickInput(/Preview Settings: which token/);
      await wb.search("VSCode-Dev");
      await wb.pick(/^VSCode-Dev/);
      await wb.waitQuickInput(/Preview the ELITEA settings/);
      await wb.pick(new RegExp(ide));
      await wb.waitNotification(file, 30_000);
      const editor = wb.page.locator(".editor-instance .view-lines").first();
      await wb.page.waitForTimeout(300);
      return (await editor.textContent()) ?? "";
    };
    await editUserSettings(async () => {
      await wb.page.keyboard.press("Control+Home");
      await wb.page.keyboard.press("End");
      await wb.page.keyboard.press("Enter");
      await wb.page.keyboard.insertText('"elitea.settingsSchema": "current",');
    });
    assert.match(fs.readFileSync(cs!.userSettings, "utf8"), /"elitea\.settingsSchema": "current"/);
    try {
      const vscodeText = await previewText("VSCode", /Preview of \.vscode\/settings\.json/);
      assert.ok(vscodeText.includes("eliteacode.LLMServerUrl"), vscodeText);
      assert.ok(!vscodeText.includes("alitacode."), "the current schema has no alitacode.* keys");
      await wb.palette("View: Revert and Close Editor");
      const xml = await previewText("JetBrains", /Preview of \.idea\/elitea\.xml/);
      assert.ok(xml.includes("EliteASettings"), xml);
      await wb.screenshot("preview-current-schema");
      await wb.palette("View: Revert and Close Editor");
    } finally {
      await wb.reset();
      await editUserSettings(async () => {
        await wb.page.keyboard.press("Control+Home");
        await wb.page.keyboard.press("ArrowDown");
        await wb.page.keyboard.press("Control+Shift+K");
      });
    }
    assert.doesNotMatch(fs.readFileSync(cs!.userSettings, "utf8"), /elitea\.settingsSchema/);
    await wb.clearNotifications();
  });

  step("select a model", 60_000, async () => {
    await wb.palette("ELITEA: Select Model");
    await wb.waitQuickInput("ELITEA: Select Model");
    await waitFor("the project's models", async () => ((await wb.row(/claude-sonnet-4-5/).count()) ? true : undefined));
    assert.ok(await wb.row(/gpt-5-mini/).count());
    await wb.screenshot("select-model");
    await wb.pick(/claude-sonnet-4-5/);
    await wb.waitNotification(/Settings will name the model claude-sonnet-4-5 \(project 123\)/);
    await wb.clearNotifications();
  });

  step("apply to a workspace in a git repository asks first; save for JetBrains", 120_000, async () => {
    const ws = cs!.workspace;
    execFileSync("git", ["init", "-q", ws]);
    try {
      await wb.palette("ELITEA: Show Tokens");
      await wb.waitQuickInput(/ELITEA Tokens/);
      await wb.type("VSCode-Dev");
      await wb.waitQuickInput(/1 matching 'VSCode-Dev'/);
      await wb.clickItemButton(/^VSCode-Dev/, "Apply to VSCode settings");
      await wb.waitQuickInput(/Apply the ELITEA settings for 'VSCode-Dev'/);
      assert.ok(await wb.row(/User Settings/).count());
      await wb.pick(/Workspace Settings: workspace/);
      const d = await wb.waitDialog();
      assert.match(d.message + d.detail, /git/);
      await wb.screenshot("workspace-in-git-asks-first");
      assert.ok(!fs.existsSync(path.join(ws, ".vscode/settings.json")), "nothing written before the answer");
      await wb.clickDialogButton("Write Anyway");
      await wb.waitNotification(/ELITEA settings for 'VSCode-Dev'.*\.vscode\/settings\.json/, 60_000);
      const wsSettings = parseJsonc(fs.readFileSync(path.join(ws, ".vscode/settings.json"), "utf8"));
      assert.equal(wsSettings["eliteacode.LLMAuthToken"], shownValue);
      assert.equal(wsSettings["eliteacode.LLMModelName"], "claude-sonnet-4-5");
      await wb.clearNotifications();

      await wb.palette("ELITEA: Show Tokens");
      await wb.waitQuickInput(/ELITEA Tokens/);
      await wb.type("VSCode-Dev");
      await wb.waitQuickInput(/1 matching 'VSCode-Dev'/);
      await wb.clickItemButton(/^VSCode-Dev/, "Save settings for JetBrains");
      await wb.waitQuickInput(/Save the JetBrains settings/);
      assert.ok(await wb.row(/Choose a project folder/).count());
      await wb.pickByLabel(/workspace, \//);
      await wb.waitNotification(/ELITEA settings for 'VSCode-Dev'.*\.idea\/alita\.xml/, 60_000);
      await wb.screenshot("saved-for-jetbrains");
      const xml = fs.readFileSync(path.join(ws, ".idea/alita.xml"), "utf8");
      assert.match(xml, /<component name="AlitaSettings">/);
      assert.match(xml, /name="llmCustomModelName" value="claude-sonnet-4-5"/);
      assert.ok(!xml.includes(shownValue), "no token in the JetBrains file unless asked");
    } finally {
      for (const d of [".git", ".vscode", ".idea"]) {
        fs.rmSync(path.join(ws, d), { recursive: true, force: true });
      }
    }
    await wb.clearNotifications();
  });

  step("delete: a wrong name is refused, the right one deletes", 90_000, async () => {
    await wb.palette("ELITEA: Show Tokens");
    await wb.waitQuickInput(/ELITEA Tokens/);
    await wb.type("seed-beta-06");
    await wb.waitQuickInput(/1 matching 'seed-beta-06'/);
    await wb.clickItemButton(/^seed-beta-06/, "Delete token");
    await wb.waitQuickInput("Delete token 'seed-beta-06'");
    await wb.type("seed-beta-6");
    await wb.enter();
    await wb.waitMessage(/not the name/);
    assert.ok(await wb.quickInputVisible(), "the box stays open");
    await wb.screenshot("delete-wrong-name-refused");
    assert.ok((await tokens()).some((t) => t.name === "seed-beta-06"), "nothing deleted");
    await wb.type("seed-beta-06");
    await wb.enter();
    await wb.waitNotification(/Token 'seed-beta-06' deleted/, 60_000);
    await wb.screenshot("deleted");
    assert.ok(!(await tokens()).some((t) => t.name === "seed-beta-06"), "deleted on the server");
    // The list comes back after a delete.
    await wb.waitQuickInput(/ELITEA Tokens/);
    await wb.escape();
    await wb.clearNotifications();
  });

  step("the status bar follows a token of a few minutes, and the warnings' actions work", 330_000, async () => {
    const d = await generate("Short-Lived", "Minutes", "2");
    const value = d.detail.split("\n")[0]!.trim();
    assert.match(value, JWT);
    await wb.clickDialogButton("Apply to User Settings");
    await wb.waitNotification(/ELITEA settings for 'Short-Lived'/, 60_000);
    assert.equal(userSettings()["eliteacode.LLMAuthToken"], value);
    const warning = await waitFor("a warning-coloured status bar item", async () => {
      const st = await wb.statusItem();
      return /warning-kind/.test(st.className) && /ELITEA (1|2) minutes?/.test(st.text) ? st : undefined;
    }, 30_000);
    log(`status bar: ${warning.text} (${warning.className})`);
    // The server warns an hour before expiry: "Show tokens" is the shim's to do.
    const n = await wb.waitNotification(/Short-Lived.*expires/, 60_000);
    await wb.screenshot("status-bar-warning-and-notification");
    for (const a of ["Rotate now", "Show tokens", "Remind me tomorrow"]) {
      assert.ok(await n.locator(".monaco-button", { hasText: a }).count(), `action ${a}`);
    }
    await wb.clickNotificationButton(n, "Show tokens");
    await wb.waitQuickInput(/ELITEA Tokens/);
    await wb.screenshot("show-tokens-from-warning");
    await wb.escape();
    // At expiry: red, and the server asks again; "Rotate now" goes back to the server.
    const expired = await waitFor("an error-coloured status bar item", async () => {
      const st = await wb.statusItem();
      return /error-kind/.test(st.className) && /expired/.test(st.text) ? st : undefined;
    }, 200_000, 1000);
    log(`status bar: ${expired.text} (${expired.className})`);
    const gone = await wb.waitNotification(/Short-Lived.*has expired/, 60_000);
    await wb.screenshot("status-bar-expired-and-notification");
    await wb.clickNotificationButton(gone, "Rotate now");
    await waitFor("the rotated value in settings.json", () => {
      const v = userSettings()["eliteacode.LLMAuthToken"];
      return typeof v === "string" && v !== value && JWT.test(v) ? true : undefined;
    }, 60_000);
    const back = await waitFor("the status bar to leave the error state", async () => {
      const st = await wb.statusItem();
      return !/error-kind/.test(st.className) ? st : undefined;
    }, 60_000);
    log(`status bar after rotation: ${back.text} (${back.className})`);
    await wb.screenshot("rotated-from-notification");
    const names = (await tokens()).map((t) => t.name);
    assert.ok(!names.includes("Short-Lived"), `the old token is deleted: ${names.join(", ")}`);
    assert.ok(names.some((x) => x?.startsWith("Short-Lived-")), `the replacement exists: ${names.join(", ")}`);
    await wb.clearNotifications();
  });

  step("rotate from the palette and keep the old token", 120_000, async () => {
    await wb.palette("ELITEA: Rotate Token");
    await wb.waitQuickInput(/Rotate Token: which token/);
    await wb.search("VSCode-Dev");
    await wb.pick(/^VSCode-Dev/);
    await wb.waitQuickInput(/Rotate 'VSCode-Dev'.*expiration/);
    await wb.pick(/^Same as before/);
    await wb.waitQuickInput(/the old token/);
    await wb.pick(/Keep the old token/);
    await wb.waitNotification(/VSCode-Dev/, 60_000);
    await wb.screenshot("rotated-from-palette");
    const names = (await tokens()).map((t) => t.name);
    assert.ok(names.includes("VSCode-Dev"), "the old one is kept");
    assert.ok(names.some((x) => x?.startsWith("VSCode-Dev-")), `a replacement: ${names.join(", ")}`);
    await wb.clearNotifications();
  });

  step("a crashed server is started again", 90_000, async () => {
    // The language server of this test's VSCode: the bundled binary under this test's folder.
    const pids = fs
      .readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          const cmd = fs.readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0");
          return cmd[0]?.startsWith(dir) && cmd[0].endsWith("/server/elitea-tokens") && cmd.includes("lsp");
        } catch {
          return false;
        }
      });
    assert.equal(pids.length, 1, `one language server under ${dir}: ${pids.join(", ")}`);
    process.kill(Number(pids[0]), "SIGKILL");
    log(`killed the language server (pid ${pids[0]})`);
    // The client starts it again; its commands work as before.
    await waitFor("a new language server", () => {
      const again = fs.readdirSync("/proc").filter((d) => {
        try {
          const cmd = fs.readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0");
          return /^\d+$/.test(d) && d !== pids[0] && cmd[0]?.startsWith(dir) && cmd[0].endsWith("/server/elitea-tokens");
        } catch {
          return false;
        }
      });
      return again.length === 1 ? true : undefined;
    }, 30_000);
    await wb.palette("ELITEA: Show Tokens");
    await wb.waitQuickInput(/ELITEA Tokens: \d+ tokens · page 1 of/, 30_000);
    await wb.screenshot("show-tokens-after-crash");
    await wb.escape();
    await wb.clearNotifications();
  });

  step("restart the server at any time; the state comes back", 90_000, async () => {
    await wb.palette("ELITEA: Restart Server");
    await wb.waitNotification(/ELITEA language server restarted/, 60_000);
    const st = await waitFor("the status bar after the restart", async () => {
      const s = await wb.statusItem();
      return /ELITEA (\d+ (minute|hour|day)s?|expired)/.test(s.text) ? s : undefined;
    }, 60_000);
    log(`status bar after restart: ${st.text}`);
    await wb.palette("ELITEA: Show Status");
    const d = await wb.waitDialog();
    assert.match(d.message, /Signed in to/);
    await wb.screenshot("status-after-restart");
    await wb.clickDialogButton("Cancel").catch(() => wb.escape());
  });
});

function walk(d: string): string[] {
  if (!fs.existsSync(d)) {
    return [];
  }
  return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(d, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}
