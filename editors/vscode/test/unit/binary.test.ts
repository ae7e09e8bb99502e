import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, test } from "node:test";

import { findServerBinary, notFoundMessage, vscodeTarget, type SearchInput } from "../../src/binary";

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

  describe("one package per platform", () => {
    const manifest = path.join(ext, "server", "platform.json");
    const packagedFor = (target: string) => (p: string) =>
      p === manifest ? JSON.stringify({ target }) : undefined;

    test("the package of this machine's platform runs its binary", () => {
      const r = findServerBinary(input([bundled], { arch: "arm64", readText: packagedFor("linux-arm64") }));
      assert.equal(r.found?.path, bundled);
      assert.equal(r.machine, "linux-arm64");
    });

    test("a package of another platform is not run, and the message names both platforms", () => {
      const exe = path.join(ext, "server", "elitea-tokens.exe");
      // The linux-x64 package installed on an Apple silicon Mac.
      const r = findServerBinary(input([bundled], { platform: "darwin", arch: "arm64", readText: packagedFor("linux-x64") }));
      assert.equal(r.found, undefined);
      const m = notFoundMessage(r);
      assert.match(m, /This package of the extension is for linux-x64, and this machine is darwin-arm64/);
      assert.match(m, /install elitea-tokens-darwin-arm64\.vsix/);
      assert.match(m, /built for linux-x64, not this machine/);
      // Same OS, other CPU: still foreign.
      const w = findServerBinary(input([exe], { platform: "win32", arch: "arm64", readText: packagedFor("win32-x64") }));
      assert.equal(w.found, undefined);
      assert.match(notFoundMessage(w), /is for win32-x64, and this machine is win32-arm64/);
    });

    test("a foreign package still runs a binary named by the setting", () => {
      const r = findServerBinary(
        input([bundled, "/opt/elitea-tokens"], { platform: "darwin", arch: "x64", setting: "/opt/elitea-tokens", readText: packagedFor("linux-x64") }),
      );
      assert.equal(r.found?.path, "/opt/elitea-tokens");
    });

    test("a universal package without a binary says which platform it lacks", () => {
      const r = findServerBinary(input([], { platform: "win32", arch: "x64", readText: () => undefined }));
      assert.equal(r.found, undefined);
      assert.match(notFoundMessage(r), /has no elitea-tokens binary for win32-x64: install elitea-tokens-win32-x64\.vsix/);
    });

    test("a package without platform.json (a development build) runs the binary it has", () => {
      const r = findServerBinary(input([bundled], { arch: "x64", readText: () => "not json" }));
      assert.equal(r.found?.path, bundled);
    });

    test("VSCode's platform names", () => {
      assert.equal(vscodeTarget("win32", "x64"), "win32-x64");
      assert.equal(vscodeTarget("darwin", "arm64"), "darwin-arm64");
    });
  });
});
