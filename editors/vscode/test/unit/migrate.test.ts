// ELITEA: Migrate Settings to Today's Keys: which file, and how the server's dry run reads.
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, test } from "node:test";

import { asMigrateParams, dryRunDetail, fileLines, hasWork, isSettingsFile, migrationCandidates, migrationPlan, moveLines, settingsCount } from "../../src/migrate";
import type { MigrateResult } from "../../src/protocol";

const nothing: MigrateResult = { dryRun: true, files: [], moves: [] };
const two: MigrateResult = {
  dryRun: true,
  files: [{ path: "/w/.vscode/settings.json", change: "edited" }],
  moves: [
    { from: "alitacode.authToken", to: "eliteacode.authToken" },
    { from: "alitacode.LLMModelName", to: null },
  ],
};

describe("the active editor's file", () => {
  test("settings files by name: settings.json, *.code-workspace, .idea/alita.xml", () => {
    assert.ok(isSettingsFile("/home/u/.config/Code/User/settings.json", undefined));
    assert.ok(isSettingsFile("/w/.vscode/settings.json", "{}"));
    assert.ok(isSettingsFile("/w/team.code-workspace", "{}"));
    assert.ok(isSettingsFile("/w/.idea/alita.xml", "<project/>"));
    assert.ok(isSettingsFile("C:\\w\\.idea\\alita.xml", undefined));
  });

  test("another JSON file only when it holds a legacy key; anything else never", () => {
    assert.ok(isSettingsFile("/w/team/elitea.json", '{ "alitacode.authToken": "x" }'));
    assert.ok(!isSettingsFile("/w/team/elitea.json", '{ "eliteacode.authToken": "x" }'));
    assert.ok(!isSettingsFile("/w/package.json", '{ "name": "x" }'));
    assert.ok(!isSettingsFile("/w/notes.md", '"alitacode.authToken"'));
    assert.ok(!isSettingsFile("/w/.idea/elitea.xml", "<project/>"), "today's file has nothing to migrate");
    assert.ok(!isSettingsFile("/w/.idea/workspace.xml", "<project/>"));
  });
});

describe("which files are asked about", () => {
  const exists = (existing: string[]) => (f: string) => existing.includes(f);

  test("in order: active, user settings, workspace file, each folder's settings.json and alita.xml; only those that exist, once", () => {
    const ws = path.join("/w", ".vscode", "settings.json");
    const idea = path.join("/w", ".idea", "alita.xml");
    const other = path.join("/v", ".vscode", "settings.json");
    const got = migrationCandidates({
      active: ws,
      userSettings: "/u/settings.json",
      workspaceFile: "/w/all.code-workspace",
      folders: ["/w", "/v"],
      exists: exists(["/u/settings.json", ws, idea, other]),
    });
    assert.deepEqual(got, [ws, "/u/settings.json", idea, other]);
  });

  test("no active editor and nothing on disk: nothing to ask", () => {
    assert.deepEqual(migrationCandidates({ folders: ["/w"], userSettings: "/u/settings.json", exists: () => false }), []);
  });
});

describe("which file is migrated", () => {
  test("the active editor's file when it has legacy settings, even when others have some too", () => {
    const plan = migrationPlan(
      [
        { path: "/a", dryRun: two },
        { path: "/u", dryRun: two },
      ],
      "/u",
    );
    assert.deepEqual(plan, { kind: "one", path: "/u", dryRun: two });
  });

  test("otherwise the only file with legacy settings, in the preferred order", () => {
    const plan = migrationPlan(
      [
        { path: "/active", dryRun: nothing },
        { path: "/u", dryRun: nothing },
        { path: "/w", dryRun: two },
      ],
      "/active",
    );
    assert.deepEqual(plan, { kind: "one", path: "/w", dryRun: two });
  });

  test("several: the user chooses, the preferred first; none: nothing to do", () => {
    const plan = migrationPlan([
      { path: "/u", dryRun: two },
      { path: "/w", dryRun: nothing },
      { path: "/x", dryRun: two },
    ]);
    assert.equal(plan.kind, "choose");
    assert.deepEqual(plan.kind === "choose" && plan.options.map((o) => o.path), ["/u", "/x"]);
    assert.deepEqual(migrationPlan([{ path: "/u", dryRun: nothing }]), { kind: "none" });
    assert.deepEqual(migrationPlan([]), { kind: "none" });
  });

  test("a JetBrains move is work even when it lists only files", () => {
    const files: MigrateResult = { dryRun: true, files: [{ path: "/w/.idea/elitea.xml", change: "created" }], moves: [] };
    assert.ok(hasWork(files));
    assert.ok(!hasWork(nothing));
  });
});

describe("the dry run in the confirmation", () => {
  test("each move as from → to; a key dropped because today's already holds a value says so", () => {
    assert.deepEqual(moveLines(two), ["alitacode.authToken → eliteacode.authToken", "alitacode.LLMModelName: removed (today's key already holds a value)"]);
    assert.equal(settingsCount(two), "2 settings");
    assert.equal(settingsCount({ ...two, moves: two.moves.slice(0, 1) }), "1 setting");
  });

  test("the files with ~ for home, and what happens to each", () => {
    const jb: MigrateResult = {
      dryRun: true,
      files: [
        { path: "/home/u/p/.idea/elitea.xml", change: "created" },
        { path: "/home/u/p/.idea/alita.xml", change: "deleted" },
      ],
      moves: [{ from: "AlitaSettings", to: "EliteASettings" }],
    };
    assert.deepEqual(fileLines(jb, "/home/u"), ["~/p/.idea/elitea.xml: created", "~/p/.idea/alita.xml: deleted (nothing else was in it)"]);
    assert.equal(dryRunDetail(jb, "/home/u"), "AlitaSettings → EliteASettings\n\nFiles:\n~/p/.idea/elitea.xml: created\n~/p/.idea/alita.xml: deleted (nothing else was in it)");
    // Inside the workspace, as the user sees it there; outside it, the path.
    const rel = (p: string) => p.replace(/^\/home\/u\/p\//, "");
    assert.deepEqual(fileLines({ ...jb, files: [...jb.files, { path: "/home/u/q/settings.json", change: "edited" }] }, "/home/u", rel), [
      ".idea/elitea.xml: created",
      ".idea/alita.xml: deleted (nothing else was in it)",
      "~/q/settings.json: edited",
    ]);
  });
});

describe("the settingsLegacy quick fix's arguments", () => {
  test("{path} from the server is run as given; no argument (the palette) or another shape is not", () => {
    assert.deepEqual(asMigrateParams({ path: "/w/.vscode/settings.json" }), { path: "/w/.vscode/settings.json" });
    assert.equal(asMigrateParams(undefined), undefined);
    assert.equal(asMigrateParams({ path: "" }), undefined);
    assert.equal(asMigrateParams({ uuid: "u-1" }), undefined);
    // A URI (what a menu would pass) has a path too: not the server's arguments.
    assert.equal(asMigrateParams({ scheme: "file", authority: "", path: "/w/.vscode/settings.json" }), undefined);
  });
});
