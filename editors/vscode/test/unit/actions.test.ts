import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { answerFor, asReplaceFix, localActionFor } from "../../src/actions";

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

describe("the answer to window/showMessageRequest", () => {
  test("a revoked token's Replace with a new token… goes back to the server as it came, nothing for the shim", () => {
    const item = { title: "Replace with a new token…", action: "replace", uuid: "u-9" };
    const { answer, local } = answerFor(item);
    assert.equal(answer, item, "the very item, not a copy with fields dropped");
    assert.equal(local, undefined);
  });

  test("an action this shim does not know is passed through with every field, never dropped", () => {
    const item = { title: "Something new", action: "somethingNew", uuid: "u-9", extra: { n: 1 } };
    assert.deepEqual(answerFor(item), { answer: item, local: undefined });
    assert.equal(answerFor(item).answer, item);
  });

  test("rotate goes back too; showTokens goes back and is also the shim's; dismissed answers null", () => {
    const rotate = { title: "Rotate now", action: "rotate", uuid: "u-1" };
    assert.deepEqual(answerFor(rotate), { answer: rotate, local: undefined });
    const show = { title: "Show tokens", action: "showTokens", uuid: "u-1" };
    assert.deepEqual(answerFor(show), { answer: show, local: { action: "showTokens", uuid: "u-1" } });
    assert.deepEqual(answerFor(undefined), { answer: null, local: undefined });
  });
});
