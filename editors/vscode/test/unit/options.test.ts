import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";

import { buildOptions, parseServerLogLine, serverArgs, userSettingsPath } from "../../src/options";

const repo = path.resolve(__dirname, "../../../..");

describe("start-up options", () => {
  test("the user settings.json sits beside globalStorage", () => {
    assert.equal(
      userSettingsPath("/home/u/.config/Code/User/globalStorage/elitea.elitea-tokens"),
      "/home/u/.config/Code/User/settings.json",
    );
    assert.equal(
      userSettingsPath("/tmp/cs/data/User/globalStorage/elitea.elitea-tokens"),
      "/tmp/cs/data/User/settings.json",
    );
    assert.equal(userSettingsPath("/somewhere/else/elitea.elitea-tokens"), undefined);
    assert.equal(userSettingsPath(undefined), undefined);
  });

  test("settings become the server's option names", () => {
    const o = buildOptions(
      { serverUrl: " https://next.elitea.ai ", projectId: 123, verifySsl: false, settingsSchema: "current", secretsStore: "file" },
      "/u/User/settings.json",
      ["/w1", "/w2"],
    );
    assert.deepEqual(o, {
      serverUrl: "https://next.elitea.ai",
      projectId: 123,
      verifySsl: false,
      schema: "current",
      secretsStore: "file",
      vscodeUserSettingsPath: "/u/User/settings.json",
      workspaceFolders: ["/w1", "/w2"],
    });
  });

  test("unset or odd settings are sent as null, so that the server forgets them", () => {
    const o = buildOptions({ serverUrl: "", projectId: null, settingsSchema: "bogus", secretsStore: "vault" }, undefined, []);
    assert.deepEqual(o, {
      serverUrl: null,
      projectId: null,
      verifySsl: null,
      schema: null,
      secretsStore: null,
      vscodeUserSettingsPath: null,
      workspaceFolders: [],
    });
  });

  test("every option sent is one the server's schema knows, with the right type", () => {
    const schema = JSON.parse(readFileSync(path.join(repo, "schemas/initializationOptions.json"), "utf8"));
    const o = buildOptions(
      { serverUrl: "sandbox", projectId: 1, verifySsl: true, settingsSchema: "legacy", secretsStore: "keyring" },
      "/s.json",
      ["/w"],
    );
    for (const [k, v] of Object.entries(o)) {
      const prop = schema.properties[k];
      if (v === null) {
        assert.ok(prop && (prop.anyOf || [prop.type].flat().includes("null")), `${k} may be null`);
        continue;
      }
      assert.ok(prop, `initializationOptions has no '${k}'`);
      const types: string[] = prop.type ? [prop.type].flat() : ["string"];
      const actual = Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v;
      assert.ok(types.includes(actual), `${k}: ${actual} not in ${types.join("|")}`);
    }
    assert.deepEqual(schema.$defs.StoreChoice.enum, ["keyring", "file"]);
  });

  test("the server's command line", () => {
    assert.deepEqual(serverArgs("debug"), ["lsp", "--log-level", "debug"]);
    assert.deepEqual(serverArgs(undefined), ["lsp", "--log-level", "info"]);
    assert.deepEqual(serverArgs("loud"), ["lsp", "--log-level", "info"]);
  });

  test("server log lines keep their level, lose the second timestamp and colours", () => {
    assert.deepEqual(parseServerLogLine("2026-11-28T13:08:04.996779Z  INFO failed: You are not signed in. command=elitea.listTokens"), {
      level: "info",
      message: "failed: You are not signed in. command=elitea.listTokens",
    });
    assert.deepEqual(parseServerLogLine("2026-11-28T13:08:04.996779Z  WARN initializationOptions ignored"), {
      level: "warn",
      message: "initializationOptions ignored",
    });
    assert.deepEqual(
      parseServerLogLine("\u001b[2m2026-11-28T13:08:04.996779Z\u001b[0m \u001b[31mERROR\u001b[0m boom"),
      { level: "error", message: "boom" },
    );
    assert.deepEqual(parseServerLogLine("thread 'main' panicked"), { level: "info", message: "thread 'main' panicked" });
  });
});
