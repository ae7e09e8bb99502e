import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";

import { StoreChoiceValues } from "../../src/protocol";
import { activeProfileSettingsPath, buildOptions, DOCUMENT_SELECTOR, jetbrainsFile, parseServerLogLine, serverArgs, settingsSchemaOf, userSettingsPath } from "../../src/options";

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

  test("the active profile's settings.json, from VSCode's profile associations", () => {
    const user = "/d/User";
    const def = `${user}/settings.json`;
    const storage = {
      userDataProfiles: [{ location: "-6b0e0b8b", name: "Work" }],
      profileAssociations: { workspaces: { "file:///w/work": "-6b0e0b8b", "file:///w/home": "__default__profile__" } },
    };
    const read = (f: string) => (f === `${user}/globalStorage/storage.json` ? storage : undefined);
    assert.equal(activeProfileSettingsPath(def, "file:///w/work", read), `${user}/profiles/-6b0e0b8b/settings.json`);
    assert.equal(activeProfileSettingsPath(def, "file:///w/home", read), def);
    assert.equal(activeProfileSettingsPath(def, "file:///w/other", read), def);
    assert.equal(activeProfileSettingsPath(def, undefined, read), def);
    assert.equal(activeProfileSettingsPath(def, "file:///w/work", () => undefined), def, "no storage.json");
    const odd = { ...storage, profileAssociations: { workspaces: { "file:///w/work": "../../etc" } } };
    assert.equal(activeProfileSettingsPath(def, "file:///w/work", () => odd), def, "an id that is not a known profile");
  });

  test("the documents the server sees: settings, any JSON, workspace files, the JetBrains XML", () => {
    const langs = DOCUMENT_SELECTOR.filter((d) => "language" in d).map((d) => `${d.scheme}:${(d as { language: string }).language}`);
    assert.ok(langs.includes("file:json") && langs.includes("file:jsonc") && langs.includes("vscode-userdata:jsonc"));
    const patterns = DOCUMENT_SELECTOR.filter((d) => "pattern" in d).map((d) => (d as { pattern: string }).pattern);
    assert.deepEqual(patterns, ["**/*.code-workspace", "**/.idea/alita.xml", "**/.idea/elitea.xml"]);
  });

  test("secrets may be kept in VSCode's own storage", () => {
    assert.equal(buildOptions({ secretsStore: "editor" }, undefined, []).secretsStore, "editor");
  });

  test("settings become the server's option names", () => {
    const o = buildOptions(
      { serverUrl: " https://next.elitea.ai ", projectId: 123, verifySsl: false, settingsSchema: "current", secretsStore: "file", settingsSyncProtect: false },
      "/u/User/settings.json",
      ["/w1", "/w2"],
    );
    assert.deepEqual(o, {
      serverUrl: "https://next.elitea.ai",
      projectId: 123,
      verifySsl: false,
      schema: "current",
      secretsStore: "file",
      settingsSyncProtect: false,
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
      settingsSyncProtect: null,
      vscodeUserSettingsPath: null,
      workspaceFolders: [],
    });
  });

  test("every option sent is one the server's schema knows, with the right type", () => {
    const schema = JSON.parse(readFileSync(path.join(repo, "schemas/initializationOptions.json"), "utf8"));
    const o = buildOptions(
      { serverUrl: "sandbox", projectId: 1, verifySsl: true, settingsSchema: "legacy", secretsStore: "keyring", settingsSyncProtect: true },
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
    // The stores the setting offers are exactly the server's.
    const choice = schema.$defs.StoreChoice as { enum?: string[]; oneOf?: { enum?: string[]; const?: string }[] };
    const stores = [...(choice.enum ?? []), ...(choice.oneOf ?? []).flatMap((o) => o.enum ?? (o.const ? [o.const] : []))];
    assert.deepEqual([...stores].sort(), [...StoreChoiceValues].sort());
    const pkg = JSON.parse(readFileSync(path.join(__dirname, "../../package.json"), "utf8"));
    assert.deepEqual([...pkg.contributes.configuration.properties["elitea.secrets.store"].enum].sort(), [...StoreChoiceValues].sort());
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

describe("the settings schema", () => {
  test("current unless the setting says legacy (an unknown value is the default too)", () => {
    assert.equal(settingsSchemaOf(undefined), "current");
    assert.equal(settingsSchemaOf("current"), "current");
    assert.equal(settingsSchemaOf("legacy"), "legacy");
    assert.equal(settingsSchemaOf("2019"), "current");
  });

  test("the JetBrains file each schema writes", () => {
    assert.equal(jetbrainsFile("current"), ".idea/elitea.xml");
    assert.equal(jetbrainsFile("legacy"), ".idea/alita.xml");
  });
});
