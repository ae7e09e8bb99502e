// The migration's decisions on the real server's answers: `elitea.migrateSettings` run by the
// real `elitea-tokens lsp` on files in a temporary folder (no account needed), its dry run read
// by the extension's own functions.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";

import { dryRunDetail, hasWork, migrationCandidates, migrationPlan, moveLines } from "../../src/migrate";
import type { MigrateResult } from "../../src/protocol";
import { toServerError } from "../../src/serverError";
import { type Session, startServer } from "./lsp";

describe("migrateSettings against the real server", () => {
  let server: Session;
  let dir: string;
  const migrate = async (params: { path: string; dryRun?: boolean }) =>
    (await server.request("workspace/executeCommand", { command: "elitea.migrateSettings", arguments: [params] })) as MigrateResult;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "elitea-migrate-unit-"));
    server = await startServer();
  });
  after(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("the dry run of a legacy settings.json: the plan picks it, the confirmation lists each move; nothing written until the real run", async () => {
    const user = path.join(dir, "user", "settings.json");
    const ws = path.join(dir, "w");
    const wsFile = path.join(ws, ".vscode", "settings.json");
    fs.mkdirSync(path.dirname(user), { recursive: true });
    fs.mkdirSync(path.dirname(wsFile), { recursive: true });
    fs.writeFileSync(user, '{\n  "eliteacode.LLMModelName": "gpt-5-mini"\n}\n');
    const legacy = '{\n  // kept\n  "alitacode.LLMModelName": "gpt-5-mini",\n  "alitacode.projectId": 7,\n  "eliteacode.projectId": 7\n}\n';
    fs.writeFileSync(wsFile, legacy);
    const candidates = migrationCandidates({ userSettings: user, folders: [ws], exists: fs.existsSync });
    assert.deepEqual(candidates, [user, wsFile]);
    const dryRuns = [];
    for (const p of candidates) {
      dryRuns.push({ path: p, dryRun: await migrate({ path: p, dryRun: true }) });
    }
    assert.equal(dryRuns[0]!.dryRun.dryRun, true);
    assert.ok(!hasWork(dryRuns[0]!.dryRun), `today's keys only: nothing to do (${JSON.stringify(dryRuns[0]!.dryRun)})`);
    const plan = migrationPlan(dryRuns);
    assert.equal(plan.kind, "one");
    assert.equal(plan.kind === "one" && plan.path, wsFile);
    const lines = moveLines(dryRuns[1]!.dryRun);
    assert.ok(lines.includes("alitacode.LLMModelName → eliteacode.LLMModelName"), lines.join("\n"));
    assert.ok(lines.some((l) => l.startsWith("alitacode.projectId: removed")), lines.join("\n"));
    assert.match(dryRunDetail(dryRuns[1]!.dryRun, undefined), new RegExp(`${wsFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: edited`));
    assert.equal(fs.readFileSync(wsFile, "utf8"), legacy, "a dry run writes nothing");

    const done = await migrate({ path: wsFile });
    assert.equal(done.dryRun, false);
    assert.deepEqual(done.moves, dryRuns[1]!.dryRun.moves);
    const text = fs.readFileSync(wsFile, "utf8");
    assert.ok(!text.includes("alitacode."), text);
    assert.ok(text.includes("// kept"), text);
    assert.ok(!hasWork(await migrate({ path: wsFile, dryRun: true })), "nothing left to migrate");
  });

  test("a file that is not a settings file is refused with a kind the extension reports", async () => {
    const notes = path.join(dir, "notes.txt");
    fs.writeFileSync(notes, "alitacode.x");
    const err = await migrate({ path: notes }).then(
      () => undefined,
      (e: unknown) => toServerError(e),
    );
    assert.ok(err, "refused");
    assert.equal(err.kind, "invalidParams");
  });
});
