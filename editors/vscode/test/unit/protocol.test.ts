// The shim's view of the protocol against the schemas generated from the Rust types.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";

import { Commands, ERROR_KINDS, toServerError } from "../../src/protocol";

const repo = path.resolve(__dirname, "../../../..");
const schema = (name: string) => JSON.parse(readFileSync(path.join(repo, "schemas", `${name}.json`), "utf8"));

describe("protocol", () => {
  test("every command has its params and result schemas", () => {
    for (const c of Object.values(Commands)) {
      const short = c.replace(/^elitea\./, "");
      for (const part of ["params", "result"]) {
        assert.ok(existsSync(path.join(repo, "schemas", `${short}.${part}.json`)), `${short}.${part}.json`);
      }
    }
  });

  test("the shim knows every error kind the server sends", () => {
    // The shim may know a kind the protocol adds before this checkout's server sends it
    // (tokenInUse); it must never miss one the server sends.
    const def = schema("error.data").$defs.ErrorKind as { enum?: string[]; oneOf?: { enum?: string[]; const?: string }[] };
    const kinds = [...(def.enum ?? []), ...(def.oneOf ?? []).flatMap((o) => o.enum ?? (o.const ? [o.const] : []))];
    assert.ok(kinds.length > 5, JSON.stringify(def).slice(0, 300));
    for (const k of kinds) {
      assert.ok((ERROR_KINDS as readonly string[]).includes(k), `error kind ${k}`);
    }
  });

  test("the fields the shim reads are the schemas' own", () => {
    const row = schema("listTokens.result").$defs.TokenRow.properties;
    for (const k of ["uuid", "name", "masked", "expires", "status", "valueKnown"]) {
      assert.ok(row[k], `TokenRow.${k}`);
    }
    assert.deepEqual(schema("listTokens.params").$defs.SortBy.enum, ["name", "expiration"]);
    assert.deepEqual(schema("generateToken.params").$defs.Measure.enum, ["never", "days", "weeks", "hours", "minutes"]);
    const inUse = schema("tokenStatus.params").$defs.TokenInUse.properties;
    for (const k of ["uuid", "name", "expires", "status", "files", "revoked"]) {
      assert.ok(inUse[k], `TokenInUse.${k}`);
    }
    const apply = schema("applySettings.params").properties;
    for (const k of ["uuid", "ide", "target", "schema", "withoutToken", "allowTrackedFile"]) {
      assert.ok(apply[k], `applySettings.${k}`);
    }
    const preview = schema("previewSettings.result").properties;
    for (const k of ["fileName", "relativePath", "language", "content", "tokenIncluded", "note"]) {
      assert.ok(preview[k], `previewSettings.${k}`);
    }
    const rotate = schema("rotateToken.params").properties;
    for (const k of ["uuid", "expiration", "deleteOld"]) {
      assert.ok(rotate[k], `rotateToken.${k}`);
    }
    assert.ok(schema("rotateToken.result").properties.message);
  });

  test("issue 22's fields are the schemas' own: migrate, apply of an expired token, reserved names, the status note", () => {
    const migrate = schema("migrateSettings.params").properties;
    for (const k of ["path", "dryRun", "writeProtected"]) {
      assert.ok(migrate[k], `migrateSettings.${k}`);
    }
    const migrated = schema("migrateSettings.result");
    for (const k of ["dryRun", "files", "moves"]) {
      assert.ok(migrated.properties[k], `migrateSettings result ${k}`);
    }
    const text = JSON.stringify(migrated);
    for (const change of ["edited", "created", "deleted"]) {
      assert.ok(text.includes(`"${change}"`), `file change ${change}`);
    }
    const apply = schema("applySettings.params").properties;
    for (const k of ["allowExpired", "replaceExpired"]) {
      assert.ok(apply[k], `applySettings.${k}`);
    }
    assert.ok(schema("applySettings.result").properties.replacedBy, "applySettings result replacedBy");
    const name = JSON.stringify(schema("rules"));
    for (const k of ["reservedNames", "reservedHint"]) {
      assert.ok(name.includes(`"${k}"`), `rules.name.${k}`);
    }
    assert.ok(schema("status.result").properties.credentialNote, "status credentialNote");
  });

  test("a JSON-RPC error becomes a ServerError with its kind", () => {
    const e = toServerError({ code: -32803, message: "You are not signed in.", data: { kind: "notSignedIn" } });
    assert.equal(e.kind, "notSignedIn");
    assert.equal(e.message, "You are not signed in.");
    assert.equal(e.code, -32803);
    assert.equal(toServerError({ message: "x", data: { kind: "weird" } }).kind, "internal");
    assert.equal(toServerError(new Error("boom")).message, "boom");
  });
});
