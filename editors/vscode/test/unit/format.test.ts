import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  deleteConfirmation,
  formatDate,
  inUseName,
  parseProjectId,
  rowItem,
  rowText,
  serverWords,
  signedInSentence,
  statusBarView,
  statusIcon,
  tildePath,
} from "../../src/format";
import type { TokenInUse, TokenRow } from "../../src/protocol";

// A row in the server's wire form (schemas/listTokens.result.json). test/unit/serverRows.test.ts
// reads the same functions on rows the real server sent.
const row = (over: Partial<TokenRow> = {}): TokenRow => ({
  uuid: "0f3c2b8e-1111-4a2b-9c3d-000000000001",
  name: "VSCode-Dev",
  displayName: "VSCode-Dev",
  confirmName: "VSCode-Dev",
  masked: "...ab12",
  expires: "2026-12-01T12:00:00Z",
  status: { kind: "warning", label: "in 3 days" },
  valueKnown: true,
  usedIn: [],
  usedInPlaces: [],
  ...over,
});

describe("row formatting", () => {
  test("a row reads name, masked value, state", () => {
    assert.equal(rowText(row()), "VSCode-Dev   ...ab12   ⚠ in 3 days");
    assert.equal(rowText(row({ status: { kind: "ok", label: "in 30 days" } })), "VSCode-Dev   ...ab12   ✓ in 30 days");
    assert.equal(rowText(row({ status: { kind: "expired", label: "Expired" } })), "VSCode-Dev   ...ab12   ✗ Expired");
    assert.equal(rowText(row({ expires: null, status: { kind: "never", label: "Never" } })), "VSCode-Dev   ...ab12   ✓ Never");
  });

  test("a token is named by the server's displayName, whatever its name field holds", () => {
    // A nameless token as the server sends it: the shim has no rule of its own for the name.
    const nameless = row({ name: null, displayName: "...ab12", confirmName: "0f3c2b8e-1111-4a2b-9c3d-000000000001" });
    assert.equal(rowText(nameless), "...ab12   ...ab12   ⚠ in 3 days");
    assert.equal(rowItem(nameless).label, "...ab12");
    assert.equal(rowItem(row({ displayName: "Shown" })).label, "Shown");
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

  test("a token used in settings says where in the server's words; one made elsewhere says its value is not here", () => {
    const item = rowItem(
      row({
        valueKnown: false,
        usedIn: ["/home/u/.config/Code/User/settings.json", "/w/proj/.vscode/settings.json"],
        usedInPlaces: ["your user settings", "workspace settings (proj)"],
      }),
    );
    assert.equal(item.description, "...ab12   $(warning) in 3 days   $(circle-slash) value not kept here");
    assert.equal(item.detail, "$(check) In use in your user settings, workspace settings (proj)");
  });
});

describe("status bar", () => {
  const home = "/home/u";
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
      const v = statusBarView([inUse({ status: { kind: "expired", label: "Expired" } })], signedIn, undefined, home);
      assert.equal(v.text, "$(key) ELITEA: Sign in");
      assert.equal(v.severity, "none");
      assert.equal(v.command, "elitea.signIn");
      assert.doesNotMatch(v.tooltip, /VSCode-Dev/);
    }
  });

  test("signed in with no token in use: the key alone, and the tooltip says so", () => {
    const v = statusBarView([], true, "the ELITEA sandbox (http://127.0.0.1:4242)", home);
    assert.equal(v.text, "$(key) ELITEA");
    assert.equal(v.severity, "none");
    assert.equal(v.command, "elitea.openTokensPage");
    assert.match(v.tooltip, /Signed in to the ELITEA sandbox \(http:\/\/127\.0\.0\.1:4242\)/);
    assert.match(v.tooltip, /No ELITEA token is used in your settings files/);
  });

  test("a warning shows the server's label and the file, with ~ for the home folder", () => {
    const v = statusBarView([inUse({})], true, "https://next.elitea.ai", home);
    assert.equal(v.text, "$(key) ELITEA 3 days");
    assert.equal(v.severity, "warning");
    assert.match(v.tooltip, /⚠ VSCode-Dev: in 3 days \(~\/\.config\/Code\/User\/settings\.json\)/);
  });

  test("the label is the server's own, never recomputed", () => {
    const v = statusBarView([inUse({ status: { kind: "warning", label: "in 1 hour" } })], true, "x", home);
    assert.equal(v.text, "$(key) ELITEA 1 hour");
  });

  test("ok and never have no background", () => {
    const ok = statusBarView([inUse({ status: { kind: "ok", label: "in 30 days" } })], true, "x", home);
    assert.equal(ok.text, "$(key) ELITEA 30 days");
    assert.equal(ok.severity, "none");
    const never = statusBarView([inUse({ expires: null, status: { kind: "never", label: "Never" } })], true, "x", home);
    assert.equal(never.text, "$(key) ELITEA no expiry");
    assert.equal(never.severity, "none");
  });

  test("expired and revoked are errors and come first; a nameless token in use is called by its uuid", () => {
    const uuid = "0f3c2b8e-2222-4a2b-9c3d-000000000002";
    const v = statusBarView(
      [inUse({ uuid: "a", name: "A" }), inUse({ uuid, name: null, status: { kind: "expired", label: "Expired" }, files: ["/w/proj/.vscode/settings.json"] })],
      true,
      "x",
      home,
    );
    assert.equal(v.text, "$(key) ELITEA expired");
    assert.equal(v.severity, "error");
    assert.match(v.tooltip, new RegExp(`✗ ${uuid}: Expired \\(/w/proj/\\.vscode/settings\\.json\\)`));
    assert.equal(inUseName({ uuid, name: "" }), uuid);
    assert.doesNotMatch(v.tooltip, /no name|token 0f3c/);
    const r = statusBarView([inUse({ revoked: true, status: { kind: "ok", label: "in 30 days" } })], true, "x", home);
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
      home,
    );
    assert.equal(v.text, "$(key) ELITEA 1 day");
  });
});

describe("paths and dates", () => {
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
