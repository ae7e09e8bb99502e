// The rules the shim used to copy, now read from what the real server sends: a token's
// display name, what Delete asks to type, and where it is used in the user's words. The real
// `elitea-tokens lsp`, signed in to its embedded sandbox (no account), with its own user
// settings file; the extension's own functions read its answers.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";

import { applyQuestion } from "../../src/applyAnswers";
import { deleteConfirmation, rowItem, rowText } from "../../src/format";
import { pageView } from "../../src/pageModel";
import * as paging from "../../src/paging";
import type { CommandMap, Page, TokenRow } from "../../src/protocol";
import { rulesFrom } from "../../src/rules";
import { toServerError } from "../../src/serverError";
import { type Session, startServer } from "./lsp";

describe("token rows from the real server", () => {
  let server: Session;
  let dir: string;
  let userSettings: string;
  let workspace: string;
  const execute = async <C extends keyof CommandMap>(command: C, params: CommandMap[C][0]): Promise<CommandMap[C][1]> =>
    (await server.request("workspace/executeCommand", { command, arguments: [params] })) as CommandMap[C][1];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "elitea-rows-unit-"));
    userSettings = path.join(dir, "User", "settings.json");
    fs.mkdirSync(path.dirname(userSettings), { recursive: true });
    fs.writeFileSync(userSettings, "{}\n");
    workspace = path.join(dir, "w");
    fs.mkdirSync(workspace);
    execFileSync("git", ["init", "-q", workspace]);
    server = await startServer({}, { vscodeUserSettingsPath: userSettings, workspaceFolders: [workspace], secretsStore: "file" });
    await execute("elitea.signIn", { serverUrl: "sandbox", token: "" });
  });
  after(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("a row applied to the user settings: its name, and Used in in the server's words, in the list, the QuickPick and the page", async () => {
    const made = await execute("elitea.generateToken", { name: "Rows-Unit-1", expiration: { measure: "days", value: 3 } });
    assert.equal(made.displayName, "Rows-Unit-1");
    await execute("elitea.applySettings", { uuid: made.uuid, ide: "vscode", target: { kind: "user" } });

    const state = paging.withSearch(paging.initialState((rulesFrom(server.initializeResult) as { defaultPageSize: number }).defaultPageSize), "Rows-Unit-1");
    const page: Page = await execute("elitea.listTokens", paging.toQuery(state));
    const row = page.items.find((r) => r.uuid === made.uuid);
    assert.ok(row, JSON.stringify(page));
    assert.deepEqual(row.usedIn, [userSettings]);
    assert.equal(row.usedInPlaces.length, 1);
    const where = row.usedInPlaces[0]!;
    assert.match(where, /user settings/, "the server's words for VSCode's user settings");

    assert.equal(rowItem(row).label, row.displayName);
    assert.equal(rowItem(row).detail, `$(check) In use in ${where}`);
    assert.match(rowText(row), /^Rows-Unit-1 {3}\.\.\.\S{4} {3}⚠ in 3 days$/);
    const view = pageView(state, page, [page.pageSize], { home: dir, hasFolder: false }, "en-US");
    const shown = view.rows.find((r) => r.uuid === made.uuid)!;
    assert.equal(shown.name, row.displayName);
    assert.deepEqual(shown.usedIn, [where]);
    assert.deepEqual(shown.usedInFiles, ["~/User/settings.json"]);
  });

  test("Delete asks for the row's confirmName, and the server takes exactly that", async () => {
    const made = await execute("elitea.generateToken", { name: "Rows-Unit-2", expiration: { measure: "days", value: 3 } });
    const page = await execute("elitea.listTokens", { search: "Rows-Unit-2" });
    const row: TokenRow = page.items.find((r) => r.uuid === made.uuid)!;
    assert.equal(row.confirmName, "Rows-Unit-2");
    assert.equal(deleteConfirmation(row.confirmName, row.confirmName), undefined);
    assert.match(deleteConfirmation(row.confirmName.toLowerCase(), row.confirmName)!, /exactly/);
    const refused = await execute("elitea.deleteToken", { uuid: row.uuid, confirmName: row.confirmName.toLowerCase() }).then(
      () => undefined,
      (e: unknown) => toServerError(e),
    );
    assert.ok(refused, "a confirmation the shim would refuse, the server refuses too");
    assert.equal((await execute("elitea.deleteToken", { uuid: row.uuid, confirmName: row.confirmName })).deleted, row.uuid);
  });

  test("a workspace in a git repository: the server's refusal (conflict, trackedFile) asks Write Anyway, and the resend writes", async () => {
    const made = await execute("elitea.generateToken", { name: "Rows-Unit-3", expiration: { measure: "days", value: 3 } });
    const params = { uuid: made.uuid, ide: "vscode" as const, target: { kind: "workspace" as const, path: workspace } };
    const err = await execute("elitea.applySettings", params).then(
      () => undefined,
      (e: unknown) => toServerError(e),
    );
    assert.ok(err, "refused: git would share the file");
    const q = applyQuestion(err, params);
    assert.ok(q, `asked (kind ${err.kind}, reason ${err.reason})`);
    assert.equal(q.choices.length, 1);
    const written = await execute("elitea.applySettings", { ...params, ...q.choices[0]!.resend });
    assert.equal(written.path, path.join(workspace, ".vscode", "settings.json"));
    assert.equal(applyQuestion(err, { ...params, ...q.choices[0]!.resend }), undefined, "not asked twice");
  });
});
