// src/protocol.ts is generated from the schemas the server's Rust types produce: this fails
// when the two drift apart, and checks the generator refuses what it cannot express.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";

import { Commands, ErrorKindValues } from "../../src/protocol";
import { toServerError } from "../../src/serverError";

const extension = path.resolve(__dirname, "../..");
const repo = path.resolve(extension, "../..");
const generator = path.join(extension, "scripts", "gen-protocol.mjs");
const REGENERATE = "node editors/vscode/scripts/gen-protocol.mjs";

/** The generator's output for `schemas` (the repository's by default), or its error. */
function generate(schemas?: string): { out: string; err: string; status: number | null } {
  const args = [generator, "--stdout", ...(schemas ? ["--schemas", schemas] : [])];
  const r = spawnSync(process.execPath, args, { encoding: "utf8" });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

describe("protocol", () => {
  test("src/protocol.ts is what schemas/ generates (no drift)", () => {
    const r = generate();
    assert.equal(r.status, 0, r.err);
    const committed = fs.readFileSync(path.join(extension, "src", "protocol.ts"), "utf8");
    if (r.out !== committed) {
      const want = r.out.split("\n");
      const have = committed.split("\n");
      const at = want.findIndex((l, i) => l !== have[i]);
      assert.fail(
        `src/protocol.ts differs from what schemas/ generates (first at line ${at + 1}:\n` +
          `  schemas/:        ${JSON.stringify(want[at])}\n  src/protocol.ts: ${JSON.stringify(have[at])}).\n` +
          `Run \`${REGENERATE}\` from ${repo} and commit the result.`,
      );
    }
  });

  test("a command per pair of params and result schemas", () => {
    const stems = fs.readdirSync(path.join(repo, "schemas")).filter((f) => f.endsWith(".params.json"));
    const pairs = stems.map((f) => f.replace(/\.params\.json$/, "")).filter((c) => fs.existsSync(path.join(repo, "schemas", `${c}.result.json`)));
    assert.deepEqual(Object.values(Commands).sort(), pairs.map((c) => `elitea.${c}`).sort());
    assert.ok(!(Object.values(Commands) as string[]).includes("elitea.tokenStatus"), "a notification is no command");
  });

  test("a definition two schemas spell differently fails the generation, naming both", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "elitea-gen-"));
    try {
      for (const f of ["listTokens.result.json", "status.result.json"]) {
        fs.copyFileSync(path.join(repo, "schemas", f), path.join(dir, f));
      }
      const status = JSON.parse(fs.readFileSync(path.join(dir, "status.result.json"), "utf8"));
      status.$defs.ExpiryStatus.properties.kind = { type: "string" };
      fs.writeFileSync(path.join(dir, "status.result.json"), JSON.stringify(status));
      const r = generate(dir);
      assert.notEqual(r.status, 0);
      assert.match(r.err, /status\.result\.json#\/\$defs\/ExpiryStatus: 'ExpiryStatus' differs from the one in listTokens\.result\.json/);

      // A keyword the generator does not know fails too, rather than becoming `unknown`.
      status.$defs.ExpiryStatus = { allOf: [{ type: "object" }] };
      fs.writeFileSync(path.join(dir, "status.result.json"), JSON.stringify(status));
      fs.rmSync(path.join(dir, "listTokens.result.json"));
      const k = generate(dir);
      assert.notEqual(k.status, 0);
      assert.match(k.err, /the keyword 'allOf'/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a JSON-RPC error becomes a ServerError with its kind and reason; an unknown kind is internal", () => {
    assert.ok(ErrorKindValues.includes("tokenInUse"));
    const e = toServerError({ code: -32803, message: "You are not signed in.", data: { kind: "notSignedIn" } });
    assert.equal(e.kind, "notSignedIn");
    assert.equal(e.message, "You are not signed in.");
    assert.equal(e.code, -32803);
    assert.equal(toServerError({ message: "x", data: { kind: "conflict", reason: "trackedFile" } }).reason, "trackedFile");
    assert.equal(toServerError({ message: "x", data: { kind: "weird" } }).kind, "internal");
    assert.equal(toServerError(new Error("boom")).message, "boom");
  });
});
