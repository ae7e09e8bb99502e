import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { asReplaceFix, localActionFor } from "../../src/actions";

describe("expiry warning actions", () => {
  test("showTokens is the shim's, with the token's uuid", () => {
    assert.deepEqual(localActionFor({ title: "Show tokens", action: "showTokens", uuid: "u-1" }), { action: "showTokens", uuid: "u-1" });
    assert.deepEqual(localActionFor({ title: "whatever the server says", action: "showTokens" }), { action: "showTokens" });
  });

  test("rotate and snooze are the server's: nothing for the shim to do", () => {
    assert.equal(localActionFor({ title: "Rotate now", action: "rotate", uuid: "u-1" }), undefined);
    assert.equal(localActionFor({ title: "Remind me tomorrow", action: "snooze", uuid: "u-1" }), undefined);
  });

  test("titles are never read: an item without an action does nothing", () => {
    assert.equal(localActionFor({ title: "Show tokens" }), undefined);
    assert.equal(localActionFor({ title: "Show Tokens", command: "elitea.showTokens" }), undefined);
    assert.equal(localActionFor(undefined), undefined);
  });
});

describe("the Replace with a new token… quick fix", () => {
  const range = { start: { line: 3, character: 27 }, end: { line: 3, character: 250 } };

  test("the server's arguments: the proposed name and where the value goes", () => {
    const fromServer = { name: "old-20261130", replaceIn: { uri: "file:///w/.vscode/settings.json", range } };
    assert.deepEqual(asReplaceFix(fromServer), fromServer);
  });

  test("a plain Generate (no arguments, a row, half a range) is not one", () => {
    assert.equal(asReplaceFix(undefined), undefined);
    assert.equal(asReplaceFix({ uuid: "u-1", name: "VSCode-Dev", status: { kind: "ok" } }), undefined);
    assert.equal(asReplaceFix({ name: "x", replaceIn: { uri: "file:///a.json", range: { start: range.start } } }), undefined);
    assert.equal(asReplaceFix({ name: "x", replaceIn: { uri: 7, range } }), undefined);
  });
});
