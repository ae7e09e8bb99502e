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

function def(key: string): { pattern?: string; type?: string; enum?: string[] } {
  const p = schema.properties[key];
  const ref = p.$ref as string | undefined;
  return ref ? { ...schema.definitions[ref.replace("#/definitions/", "")], ...p } : p;
}

describe("settings.json schema for the ELITEA keys", () => {
  test("covers every key of the web UI's example file, and nothing else", () => {
    const seed = JSON.parse(readFileSync(path.join(repo, "tests/fixtures/settings/seed-settings.json"), "utf8"));
    assert.deepEqual(Object.keys(schema.properties).sort(), Object.keys(seed).sort());
  });

  test("types: project ids are numbers, flags booleans, view modes split", () => {
    assert.equal(def("alitacode.projectId").type, "integer");
    assert.equal(def("eliteacode.projectId").type, "integer");
    assert.equal(def("eliteacode.verifySsl").type, "boolean");
    assert.equal(def("eliteacode.debug").type, "boolean");
    assert.deepEqual(def("eliteacode.displayType").enum, ["split"]);
    assert.deepEqual(def("alitacode.defaultViewMode").enum, ["split"]);
  });

  test("a token must be a JWT: the masked list value is refused", () => {
    for (const key of ["alitacode.authToken", "alitacode.LLMAuthToken", "eliteacode.LLMAuthToken"]) {
      const re = new RegExp(def(key).pattern!);
      assert.ok(re.test("eyJhbGciOiJIUzUxMiJ9.eyJ1dWlkIjoiYSJ9.c2lnbmF0dXJl"), key);
      assert.ok(!re.test("...gnrJ6Qw"), key);
      assert.ok(!re.test(""), key);
    }
  });

  test("integration ids are <project>_<model>", () => {
    const re = new RegExp(def("eliteacode.integrationUid").pattern!);
    assert.ok(re.test("123_gpt-5-mini"));
    assert.ok(!re.test(""));
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
      "Copy",
      "Save As…",
      "Apply",
    ]);
  });
});
