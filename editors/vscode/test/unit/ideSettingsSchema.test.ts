// The schema contributed for the ELITEA plugin keys in settings.json covers every key the
// server writes (the seed example file of the web UI), and rejects what the plugin cannot use.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";

const here = path.resolve(__dirname, "../..");
const repo = path.resolve(here, "../..");
const schema = JSON.parse(readFileSync(path.join(here, "schemas/elitea-ide-settings.schema.json"), "utf8"));
const pkg = JSON.parse(readFileSync(path.join(here, "package.json"), "utf8"));

function def(key: string): { pattern?: string; type?: string; enum?: string[]; description?: string; [k: string]: unknown } {
  const p = schema.properties[key];
  const ref = p.$ref as string | undefined;
  return ref ? { ...schema.definitions[ref.replace("#/definitions/", "")], ...p } : p;
}

/** The 12 keys ELITEA's web UI writes today (issue 22, shared/elitea-api.md), in its order. */
const CURRENT_KEYS = [
  "providerServerURL",
  "LLMServerUrl",
  "modelName",
  "LLMModelName",
  "authToken",
  "LLMAuthToken",
  "projectId",
  "integrationUid",
  "defaultViewMode",
  "verifySsl",
  "displayType",
  "debug",
].map((k) => `eliteacode.${k}`);

describe("settings.json schema for the ELITEA keys", () => {
  test("covers today's 12 keys first, in the web UI's order, then the legacy example file's, and nothing else", () => {
    const seed = JSON.parse(readFileSync(path.join(repo, "tests/fixtures/settings/seed-settings.json"), "utf8"));
    const keys = Object.keys(schema.properties);
    assert.deepEqual(keys.slice(0, 12), CURRENT_KEYS);
    assert.deepEqual([...keys].sort(), [...new Set([...CURRENT_KEYS, ...Object.keys(seed)])].sort());
    for (const k of keys) {
      assert.ok(def(k).description, `${k} has a description`);
    }
  });

  test("types: project ids are numbers, flags booleans, view modes split", () => {
    assert.equal(def("alitacode.projectId").type, "integer");
    assert.equal(def("eliteacode.projectId").type, "integer");
    assert.equal(def("eliteacode.verifySsl").type, "boolean");
    assert.equal(def("eliteacode.debug").type, "boolean");
    assert.deepEqual(def("eliteacode.displayType").enum, ["split"]);
    assert.deepEqual(def("eliteacode.defaultViewMode").enum, ["split"]);
    assert.deepEqual(def("alitacode.defaultViewMode").enum, ["split"]);
    assert.equal(def("eliteacode.providerServerURL").pattern, def("eliteacode.LLMServerUrl").pattern);
  });

  test("one diagnostic per problem: the token keys carry no check of their own (the server's tokenMasked and tokenMalformed say it)", () => {
    // The masked value of the token list, and a non-token: the server reports each on the
    // value's range; a schema pattern would add a second squiggle with another sentence.
    for (const key of Object.keys(schema.properties).filter((k) => /authtoken$/i.test(k))) {
      const d = def(key) as Record<string, unknown>;
      assert.equal(d.type, "string", key);
      for (const check of ["pattern", "patternErrorMessage", "minLength", "enum", "format", "errorMessage"]) {
        assert.equal(d[check], undefined, `${key} has no ${check}`);
      }
    }
    assert.doesNotMatch(JSON.stringify(schema), /Not a usable ELITEA token/);
  });

  test("one diagnostic per problem: legacy keys are described, not flagged (the server's settingsLegacy says it, with its quick fix)", () => {
    for (const key of Object.keys(schema.properties).filter((k) => k.startsWith("alitacode."))) {
      const d = def(key) as Record<string, unknown>;
      assert.equal(d.deprecationMessage, undefined, key);
      assert.equal(d.markdownDeprecationMessage, undefined, key);
      assert.equal(d.deprecated, undefined, key);
      assert.match(String(d.description), new RegExp(key.replace("alitacode.", "eliteacode\\.")), `${key} names today's key`);
    }
  });

  test("integration ids are <project>_<model>", () => {
    const re = new RegExp(def("eliteacode.integrationUid").pattern!);
    assert.ok(re.test("123_gpt-5-mini"));
    assert.ok(!re.test(""));
  });

  test("the extension writes today's schema unless told legacy", () => {
    const setting = pkg.contributes.configuration.properties["elitea.settingsSchema"];
    assert.equal(setting.default, "current");
    assert.deepEqual([...setting.enum].sort(), ["current", "legacy"]);
  });

  test("contributed for user, profile and workspace settings", () => {
    const matches = pkg.contributes.jsonValidation.map((j: { fileMatch: string }) => j.fileMatch);
    assert.deepEqual(matches, [
      "%APP_SETTINGS_HOME%/settings.json",
      "%APP_SETTINGS_HOME%/profiles/*/settings.json",
      "/.vscode/settings.json",
    ]);
    for (const j of pkg.contributes.jsonValidation) {
      assert.equal(j.url, "./dist/schemas/elitea-ide-settings.schema.json");
    }
  });

  test("every command is in the palette under ELITEA", () => {
    const titles = pkg.contributes.commands.map((c: { title: string; category: string }) => {
      assert.equal(c.category, "ELITEA");
      return c.title;
    });
    assert.deepEqual(titles, [
      "Sign In",
      "Sign Out",
      "Open Personal Tokens",
      "Show Tokens",
      "Generate Token",
      "Delete Token",
      "Preview Settings",
      "Apply Settings",
      "Rotate Token",
      "Select Model",
      "Show Status",
      "Show Logs",
      "Restart Server",
      "Migrate Settings to Today's Keys",
      "Copy",
      "Save As…",
      "Apply",
    ]);
  });
});
