import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, test } from "node:test";

import { findServerBinary, notFoundMessage, type SearchInput } from "../../src/binary";

const ext = "/ext/elitea.elitea-tokens-0.1.0";
const bundled = path.join(ext, "server", "elitea-tokens");

function input(files: string[], over: Partial<SearchInput> = {}): SearchInput {
  return {
    env: {},
    setting: "",
    extensionPath: ext,
    platform: "linux",
    isFile: (p) => files.includes(p),
    ...over,
  };
}

describe("finding the server binary", () => {
  test("environment first, then the setting, then the bundled binary", () => {
    const all = ["/env/elitea-tokens", "/set/elitea-tokens", bundled];
    const env = { ELITEA_TOKENS_SERVER_PATH: "/env/elitea-tokens" };
    assert.equal(findServerBinary(input(all, { env, setting: "/set/elitea-tokens" })).found?.path, "/env/elitea-tokens");
    assert.equal(findServerBinary(input(all, { setting: "/set/elitea-tokens" })).found?.path, "/set/elitea-tokens");
    assert.equal(findServerBinary(input(all)).found?.path, bundled);
  });

  test("a set path that does not exist is reported, and the next one used", () => {
    const r = findServerBinary(input([bundled], { env: { ELITEA_TOKENS_SERVER_PATH: "/nope" }, setting: "/gone" }));
    assert.equal(r.found?.path, bundled);
    assert.deepEqual(
      r.missing.map((m) => m.path),
      ["/nope", "/gone"],
    );
  });

  test("windows looks for the .exe", () => {
    const exe = path.join(ext, "server", "elitea-tokens.exe");
    assert.equal(findServerBinary(input([exe], { platform: "win32" })).found?.path, exe);
  });

  test("relative and ~ paths", () => {
    const r = findServerBinary(
      input(["/work/proj/target/debug/elitea-tokens"], { setting: "target/debug/elitea-tokens", workspaceFolder: "/work/proj" }),
    );
    assert.equal(r.found?.path, "/work/proj/target/debug/elitea-tokens");
    const h = findServerBinary(input(["/home/u/bin/elitea-tokens"], { setting: "~/bin/elitea-tokens", homeDir: "/home/u" }));
    assert.equal(h.found?.path, "/home/u/bin/elitea-tokens");
  });

  test("none found: a message that says where it looked and what to do", () => {
    const r = findServerBinary(input([], { setting: "  " }));
    assert.equal(r.found, undefined);
    const m = notFoundMessage(r);
    assert.match(m, /was not found/);
    assert.match(m, /ELITEA_TOKENS_SERVER_PATH \(not set\)/);
    assert.match(m, /elitea\.server\.path \(not set\)/);
    assert.ok(m.includes(`${bundled}: not found`));
    assert.match(m, /cargo build/);
  });
});
