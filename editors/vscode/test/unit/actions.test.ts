import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { localActionFor } from "../../src/actions";

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
