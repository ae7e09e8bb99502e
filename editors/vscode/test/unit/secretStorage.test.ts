// The server keeps its secrets in the editor when the client offers storage (issue 13): the
// real server, a client that answers elitea/secretStorage/* from a Map as the extension does
// from `context.secrets`, and the embedded sandbox. No value reaches the test's assertions
// except through the store.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { SECRET_STORAGE } from "../../src/serverError";
import { type Session, startServer } from "./lsp";

describe("secrets in the editor's storage", () => {
  let server: Session;
  const store = new Map<string, string>();
  const calls: string[] = [];

  before(async () => {
    server = await startServer(
      { experimental: { elitea: { secretStorage: true } } },
      { secretsStore: "editor" },
      (method, params) => {
        const p = params as { key: string; value?: string };
        calls.push(method);
        if (method === SECRET_STORAGE.get) return { value: store.get(p.key) ?? null };
        if (method === SECRET_STORAGE.store) return (store.set(p.key, p.value!), {});
        if (method === SECRET_STORAGE.delete) return (store.delete(p.key), {});
        return null;
      },
    );
  });
  after(async () => {
    await server?.close();
  });

  test("signing in stores the credential through the client; signing out deletes it", async () => {
    await server.request("workspace/executeCommand", { command: "elitea.signIn", arguments: [{ serverUrl: "sandbox", token: "" }] });
    assert.ok(calls.includes(SECRET_STORAGE.store), `store requests: ${calls.join(", ")}`);
    assert.ok(store.size > 0, "something is kept in the editor's storage");
    const status = (await server.request("workspace/executeCommand", { command: "elitea.status", arguments: [{}] })) as { signedIn: boolean };
    assert.equal(status.signedIn, true);
    await server.request("workspace/executeCommand", { command: "elitea.signOut", arguments: [{}] });
    assert.ok(calls.includes(SECRET_STORAGE.delete), `delete requests: ${calls.join(", ")}`);
  });
});
