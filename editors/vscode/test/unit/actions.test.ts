import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { localCommandFor } from "../../src/actions";
import { Commands } from "../../src/protocol";

const server = Object.values(Commands);

describe("expiry warning actions", () => {
  test("the server does Rotate now and Remind me tomorrow; the shim does Show tokens", () => {
    assert.equal(localCommandFor({ title: "Rotate now", command: "elitea.rotateToken" }, server), undefined);
    assert.equal(localCommandFor({ title: "Remind me tomorrow" }, server), undefined);
    assert.equal(localCommandFor({ title: "Show tokens", command: "elitea.showTokens" }, server), "elitea.showTokens");
  });

  test("by title when the server names no command", () => {
    assert.equal(localCommandFor({ title: "Show tokens" }, server), "elitea.showTokens");
    assert.equal(localCommandFor({ title: "Rotate now" }, server), undefined);
  });

  test("nothing chosen, or a command the shim does not know", () => {
    assert.equal(localCommandFor(undefined, server), undefined);
    assert.equal(localCommandFor({ title: "x", command: "workbench.action.quit" }, server), undefined);
  });
});
