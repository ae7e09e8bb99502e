import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  deleteConfirmation,
  describeExpiration,
  parseProjectId,
  relativeLabel,
  rowItem,
  rowText,
  signedInSentence,
  statusBarView,
  statusIcon,
  toExpiration,
  validateExpirationValue,
  validateServerUrl,
  validateTokenName,
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
    assert.equal(rowText(row({ name: null })), "(no name)   ...ab12   ⚠ in 3 days");
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

describe("relative labels follow the server's rules", () => {
  const now = new Date("2026-11-28T12:00:00Z");
  const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
  const day = 86_400_000;
  const cases: Array<[string | null, string]> = [
    [null, "Never"],
    [at(30 * day), "in 30 days"],
    [at(30 * day - 5000), "in 30 days"],
    [at(7 * day + 1000), "in 8 days"],
    [at(7 * day), "in 7 days"],
    [at(day), "in 1 day"],
    [at(day - 1000), "in 24 hours"],
    [at(3_600_000), "in 1 hour"],
    [at(3_600_000 - 1000), "in 60 minutes"],
    [at(61_000), "in 2 minutes"],
    [at(1000), "in 1 minute"],
    [at(0), "Expired"],
    [at(-60_000), "Expired"],
  ];
  for (const [expires, label] of cases) {
    test(`${expires} → ${label}`, () => assert.equal(relativeLabel(expires, now), label));
  }
  test("not a date", () => assert.equal(relativeLabel("soon", now), undefined));
});

describe("status bar", () => {
  const now = new Date("2026-11-28T12:00:00Z");
  const inUse = (over: Partial<TokenInUse>): TokenInUse => ({
    uuid: "u1",
    name: "VSCode-Dev",
    expires: "2026-12-01T12:00:00Z",
    status: { kind: "warning", label: "in 3 days" },
    files: ["/home/u/.config/Code/User/settings.json"],
    ...over,
  });

  test("no token in use", () => {
    const v = statusBarView([], true, now);
    assert.equal(v.text, "$(key) ELITEA");
    assert.equal(v.severity, "none");
    assert.match(v.tooltip, /No ELITEA token is used/);
    assert.match(statusBarView(undefined, false, now).tooltip, /not signed in/);
  });

  test("warning at 7 days or less", () => {
    const v = statusBarView([inUse({})], true, now);
    assert.equal(v.text, "$(key) ELITEA 3 days");
    assert.equal(v.severity, "warning");
    assert.equal(v.uuid, "u1");
    assert.match(v.tooltip, /⚠ VSCode-Dev: 3 days \(settings.json\)/);
  });

  test("ok and never have no background", () => {
    const ok = statusBarView([inUse({ expires: "2026-12-28T12:00:00Z", status: { kind: "ok", label: "in 30 days" } })], true, now);
    assert.equal(ok.text, "$(key) ELITEA 30 days");
    assert.equal(ok.severity, "none");
    const never = statusBarView([inUse({ expires: null, status: { kind: "never", label: "Never" } })], true, now);
    assert.equal(never.text, "$(key) ELITEA no expiry");
    assert.equal(never.severity, "none");
  });

  test("expired and revoked are errors and come first", () => {
    const v = statusBarView(
      [
        inUse({ uuid: "a", name: "A" }),
        inUse({ uuid: "b", name: "B", expires: "2026-11-28T11:00:00Z", status: { kind: "expired", label: "Expired" } }),
      ],
      true,
      now,
    );
    assert.equal(v.text, "$(key) ELITEA expired");
    assert.equal(v.severity, "error");
    assert.equal(v.uuid, "b");
    const r = statusBarView([inUse({ revoked: true, status: { kind: "ok", label: "in 30 days" } })], true, now);
    assert.equal(r.text, "$(key) ELITEA revoked");
    assert.equal(r.severity, "error");
  });

  test("the label counts down between notifications, and expiry shows at once", () => {
    const t = inUse({ expires: "2026-11-28T12:05:00Z", status: { kind: "warning", label: "in 5 minutes" } });
    assert.equal(statusBarView([t], true, now).text, "$(key) ELITEA 5 minutes");
    assert.equal(statusBarView([t], true, new Date("2026-11-28T12:03:30Z")).text, "$(key) ELITEA 2 minutes");
    const after = statusBarView([t], true, new Date("2026-11-28T12:05:01Z"));
    assert.equal(after.text, "$(key) ELITEA expired");
    assert.equal(after.severity, "error");
  });

  test("of several warnings the soonest is shown", () => {
    const v = statusBarView(
      [inUse({ uuid: "late", expires: "2026-12-03T12:00:00Z" }), inUse({ uuid: "soon", expires: "2026-11-29T12:00:00Z" })],
      true,
      now,
    );
    assert.equal(v.uuid, "soon");
    assert.equal(v.text, "$(key) ELITEA 1 day");
  });
});

describe("inputs", () => {
  test("token names: pattern and uniqueness", () => {
    assert.equal(validateTokenName("VSCode-Dev"), undefined);
    assert.equal(validateTokenName("a_b-C9"), undefined);
    assert.equal(validateTokenName("x".repeat(768)), undefined);
    assert.match(validateTokenName("")!, /Enter a name/);
    assert.match(validateTokenName("has space")!, /letters, digits/);
    assert.match(validateTokenName("dot.name")!, /letters, digits/);
    assert.match(validateTokenName("ünïcode")!, /letters, digits/);
    assert.match(validateTokenName("x".repeat(769))!, /769 characters/);
    const taken = new Set(["VSCode-Dev"]);
    assert.match(validateTokenName("VSCode-Dev", taken)!, /already have a token named 'VSCode-Dev'/);
    assert.equal(validateTokenName("vscode-dev", taken), undefined, "names compare exactly, as the server's");
  });

  test("expiration values", () => {
    assert.equal(validateExpirationValue("30", "days"), undefined);
    assert.equal(validateExpirationValue(" 2 ", "weeks"), undefined);
    assert.match(validateExpirationValue("0", "days")!, /1 or more/);
    assert.match(validateExpirationValue("-1", "hours")!, /whole number/);
    assert.match(validateExpirationValue("1.5", "days")!, /whole number/);
    assert.match(validateExpirationValue("", "minutes")!, /whole number of minutes/);
    assert.equal(validateExpirationValue("", "never"), undefined);
    assert.deepEqual(toExpiration("days", " 30 "), { measure: "days", value: 30 });
    assert.deepEqual(toExpiration("never", "30"), { measure: "never" });
    assert.equal(describeExpiration({ measure: "days", value: 30 }), "30 days");
    assert.equal(describeExpiration({ measure: "weeks", value: 1 }), "1 week");
    assert.equal(describeExpiration({ measure: "never" }), "never expires");
  });

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

  test("who is signed in where", () => {
    assert.equal(signedInSentence({ id: 1, name: "Dev User" }, "https://next.elitea.ai"), "Signed in to https://next.elitea.ai as Dev User.");
    assert.equal(
      signedInSentence({ id: 1, email: "dev@example.com" }, "http://127.0.0.1:4242", true),
      "Signed in to the ELITEA sandbox (http://127.0.0.1:4242) as dev@example.com.",
    );
    assert.equal(signedInSentence({ id: 7 }, "sandbox"), "Signed in to the ELITEA sandbox as user 7.");
  });

  test("delete confirmation is exact", () => {
    assert.equal(deleteConfirmation("VSCode-Dev", "VSCode-Dev"), undefined);
    assert.match(deleteConfirmation("", "VSCode-Dev")!, /Type 'VSCode-Dev'/);
    assert.match(deleteConfirmation("vscode-dev", "VSCode-Dev")!, /exactly/);
    assert.match(deleteConfirmation("VSCode-Dev ", "VSCode-Dev")!, /exactly/);
    assert.match(deleteConfirmation("other", "VSCode-Dev")!, /not the name/);
  });
});
