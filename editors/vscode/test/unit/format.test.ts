import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  deleteConfirmation,
  displayName,
  formatDate,
  parseProjectId,
  placeOf,
  rowItem,
  rowText,
  serverWords,
  signedInSentence,
  statusBarView,
  statusIcon,
  tildePath,
  usedInSummary,
  validateServerUrl,
} from "../../src/format";
import type { TokenInUse, TokenRow } from "../../src/protocol";

const row = (over: Partial<TokenRow> = {}): TokenRow => ({
  uuid: "0f3c2b8e-1111-4a2b-9c3d-000000000001",
  name: "VSCode-Dev",
  masked: "...ab12",
  expires: "2026-12-01T12:00:00Z",
  status: { kind: "warning", label: "in 3 days" },
  valueKnown: true,
  ...over,
});

describe("row formatting", () => {
  test("a row reads name, masked value, state", () => {
    assert.equal(rowText(row()), "VSCode-Dev   ...ab12   ⚠ in 3 days");
    assert.equal(rowText(row({ status: { kind: "ok", label: "in 30 days" } })), "VSCode-Dev   ...ab12   ✓ in 30 days");
    assert.equal(rowText(row({ status: { kind: "expired", label: "Expired" } })), "VSCode-Dev   ...ab12   ✗ Expired");
    assert.equal(rowText(row({ expires: null, status: { kind: "never", label: "Never" } })), "VSCode-Dev   ...ab12   ✓ Never");
    assert.equal(rowText(row({ name: null })), "...ab12   ...ab12   ⚠ in 3 days");
    assert.equal(displayName({ name: "", masked: "...zz99", uuid: "u" }), "...zz99", "never \"(no name)\"");
    assert.equal(displayName({ name: null, uuid: "0f3c2b8e-1111" }), "token 0f3c2b8e");
  });

  test("codicons pass, warning, error for the states", () => {
    assert.equal(statusIcon("ok"), "pass");
    assert.equal(statusIcon("never"), "pass");
    assert.equal(statusIcon("warning"), "warning");
    assert.equal(statusIcon("expired"), "error");
    assert.equal(statusIcon("ok", true), "error");
  });

  test("a QuickPick item carries the icon in its description", () => {
    const item = rowItem(row());
    assert.equal(item.label, "VSCode-Dev");
    assert.equal(item.description, "...ab12   $(warning) in 3 days");
    assert.equal(item.icon, "warning");
    assert.equal(item.detail, undefined);
  });

  test("a token used in settings says where; one made elsewhere says its value is not here", () => {
    const item = rowItem(row({ valueKnown: false }), ["/home/u/.config/Code/User/settings.json", "/w/.vscode/settings.json"]);
    assert.equal(item.description, "...ab12   $(warning) in 3 days   $(circle-slash) value not kept here");
    assert.equal(item.detail, "$(check) In use in settings.json, .vscode/settings.json");
  });
});

describe("status bar", () => {
  const places = { userSettings: "/home/u/.config/Code/User/settings.json", folders: ["/w/proj"], home: "/home/u" };
  const inUse = (over: Partial<TokenInUse>): TokenInUse => ({
    uuid: "u1",
    name: "VSCode-Dev",
    expires: "2026-12-01T12:00:00Z",
    status: { kind: "warning", label: "in 3 days" },
    files: ["/home/u/.config/Code/User/settings.json"],
    ...over,
  });

  test("before sign-in: 'Sign in', no colour, no token rows, a click signs in", () => {
    for (const signedIn of [undefined, false]) {
      const v = statusBarView([inUse({ status: { kind: "expired", label: "Expired" } })], signedIn, undefined, places);
      assert.equal(v.text, "$(key) ELITEA: Sign in");
      assert.equal(v.severity, "none");
      assert.equal(v.command, "elitea.signIn");
      assert.doesNotMatch(v.tooltip, /VSCode-Dev/);
    }
  });

  test("signed in with no token in use: the key alone, and the tooltip says so", () => {
    const v = statusBarView([], true, "the ELITEA sandbox (http://127.0.0.1:4242)", places);
    assert.equal(v.text, "$(key) ELITEA");
    assert.equal(v.severity, "none");
    assert.equal(v.command, "elitea.openTokensPage");
    assert.match(v.tooltip, /Signed in to the ELITEA sandbox \(http:\/\/127\.0\.0\.1:4242\)/);
    assert.match(v.tooltip, /No ELITEA token is used in your settings files/);
  });

  test("a warning shows the server's label and names the place in the user's words", () => {
    const v = statusBarView([inUse({})], true, "https://next.elitea.ai", places);
    assert.equal(v.text, "$(key) ELITEA 3 days");
    assert.equal(v.severity, "warning");
    assert.match(v.tooltip, /⚠ VSCode-Dev: in 3 days \(user settings\)/);
  });

  test("the label is the server's own, never recomputed", () => {
    const v = statusBarView([inUse({ status: { kind: "warning", label: "in 1 hour" } })], true, "x", places);
    assert.equal(v.text, "$(key) ELITEA 1 hour");
  });

  test("ok and never have no background", () => {
    const ok = statusBarView([inUse({ status: { kind: "ok", label: "in 30 days" } })], true, "x", places);
    assert.equal(ok.text, "$(key) ELITEA 30 days");
    assert.equal(ok.severity, "none");
    const never = statusBarView([inUse({ expires: null, status: { kind: "never", label: "Never" } })], true, "x", places);
    assert.equal(never.text, "$(key) ELITEA no expiry");
    assert.equal(never.severity, "none");
  });

  test("expired and revoked are errors and come first; a nameless token is called by its masked value", () => {
    const v = statusBarView(
      [
        inUse({ uuid: "a", name: "A" }),
        inUse({ uuid: "b", name: null, masked: "...cd34", status: { kind: "expired", label: "Expired" }, files: ["/w/proj/.vscode/settings.json"] }),
      ],
      true,
      "x",
      places,
    );
    assert.equal(v.text, "$(key) ELITEA expired");
    assert.equal(v.severity, "error");
    assert.match(v.tooltip, /✗ \.\.\.cd34: Expired \(workspace settings \(proj\)\)/);
    assert.doesNotMatch(v.tooltip, /no name/);
    const r = statusBarView([inUse({ revoked: true, status: { kind: "ok", label: "in 30 days" } })], true, "x", places);
    assert.equal(r.text, "$(key) ELITEA revoked");
    assert.equal(r.severity, "error");
  });

  test("of several warnings the soonest is shown", () => {
    const v = statusBarView(
      [
        inUse({ uuid: "late", expires: "2026-12-03T12:00:00Z", status: { kind: "warning", label: "in 5 days" } }),
        inUse({ uuid: "soon", expires: "2026-11-29T12:00:00Z", status: { kind: "warning", label: "in 1 day" } }),
      ],
      true,
      "x",
      places,
    );
    assert.equal(v.text, "$(key) ELITEA 1 day");
  });
});

describe("places in the user's words", () => {
  const places = { userSettings: "/home/u/.config/Code/User/settings.json", folders: ["/w/proj"], home: "/home/u" };

  test("user settings, workspace settings (folder), a JetBrains project, other files with ~", () => {
    assert.equal(placeOf("/home/u/.config/Code/User/settings.json", places).words, "user settings");
    assert.equal(placeOf("/w/proj/.vscode/settings.json", places).words, "workspace settings (proj)");
    assert.equal(placeOf("/w/api/.idea/alita.xml", places).words, "JetBrains project api");
    assert.equal(placeOf("/home/u/notes/elitea.json", places).words, "~/notes/elitea.json");
    assert.equal(placeOf("/w/all.code-workspace", places).kind, "workspace");
  });

  test("the Used in column", () => {
    assert.deepEqual(
      usedInSummary(["/w/api/.idea/elitea.xml", "/home/u/x.json", "/home/u/.config/Code/User/settings.json", "/w/proj/.vscode/settings.json"], places),
      ["user settings", "workspace", "JetBrains", "other files"],
    );
    assert.deepEqual(usedInSummary([], places), []);
  });

  test("~ only for paths under the home folder", () => {
    assert.equal(tildePath("/home/u/a/b.json", "/home/u"), "~/a/b.json");
    assert.equal(tildePath("/home/u", "/home/u/"), "~");
    assert.equal(tildePath("/home/user2/a", "/home/u"), "/home/user2/a");
    assert.equal(tildePath("/etc/x", undefined), "/etc/x");
  });

  test("dates in the user's locale; no date for a token that never expires", () => {
    assert.equal(formatDate(null, "en-US"), "");
    const d = formatDate("2026-12-01T12:00:00Z", "en-US");
    assert.match(d, /2026/);
    assert.match(d, /Dec/);
    assert.notEqual(formatDate("2026-12-01T12:00:00Z", "de-DE"), d);
  });
});

describe("inputs", () => {
  test("project ids", () => {
    assert.deepEqual(parseProjectId(""), { value: null });
    assert.deepEqual(parseProjectId(" 123 "), { value: 123 });
    assert.ok("error" in parseProjectId("abc"));
    assert.ok("error" in parseProjectId("0"));
    assert.ok("error" in parseProjectId("-4"));
  });

  test("server addresses", () => {
    assert.equal(validateServerUrl("sandbox"), undefined);
    assert.equal(validateServerUrl("https://next.elitea.ai"), undefined);
    assert.equal(validateServerUrl("http://127.0.0.1:8080"), undefined);
    assert.match(validateServerUrl("")!, /Enter the ELITEA server/);
    assert.match(validateServerUrl("next.elitea.ai")!, /https:\/\//);
    assert.match(validateServerUrl("ftp://x")!, /https:\/\/ or http:\/\//);
  });

  test("who is signed in where; the sandbox is named one way everywhere", () => {
    assert.equal(signedInSentence({ id: 1, name: "Dev User" }, serverWords("https://next.elitea.ai", undefined)), "Signed in to https://next.elitea.ai as Dev User.");
    assert.equal(
      signedInSentence({ id: 1, email: "dev@example.com" }, serverWords("http://127.0.0.1:4242", "http://127.0.0.1:4242")),
      "Signed in to the ELITEA sandbox (http://127.0.0.1:4242) as dev@example.com.",
    );
    assert.equal(serverWords("sandbox", undefined), "the ELITEA sandbox");
    assert.equal(serverWords("http://127.0.0.1:9", "http://127.0.0.1:4242"), "http://127.0.0.1:9");
  });

  test("delete confirmation is exact", () => {
    assert.equal(deleteConfirmation("VSCode-Dev", "VSCode-Dev"), undefined);
    assert.match(deleteConfirmation("", "VSCode-Dev")!, /Type 'VSCode-Dev'/);
    assert.match(deleteConfirmation("vscode-dev", "VSCode-Dev")!, /exactly/);
    assert.match(deleteConfirmation("VSCode-Dev ", "VSCode-Dev")!, /exactly/);
    assert.match(deleteConfirmation("other", "VSCode-Dev")!, /not the name/);
  });
});
