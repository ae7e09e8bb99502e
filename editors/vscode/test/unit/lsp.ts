// A minimal LSP client over stdio for the unit tests: the real `elitea-tokens lsp`, started
// for its `initialize` answer. Not a test file itself.

import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const BINARY =
  process.env.ELITEA_TOKENS_BINARY ?? process.env.ELITEA_E2E_BINARY ?? path.resolve(__dirname, "../../../../target/debug/elitea-tokens");

export interface Session {
  initializeResult: unknown;
  request(method: string, params: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/** Starts the server with its own data folder and answers its requests with `onRequest`. */
export async function startServer(
  capabilities: Record<string, unknown> = {},
  initializationOptions: Record<string, unknown> = {},
  onRequest: (method: string, params: unknown) => unknown = () => null,
): Promise<Session> {
  if (!fs.existsSync(BINARY)) {
    throw new Error(`no server binary at ${BINARY}: set ELITEA_TOKENS_BINARY`);
  }
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "elitea-unit-"));
  const proc = spawn(BINARY, ["lsp", "--log-level", "warn"], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, ELITEA_TOKENS_DATA_DIR: data, NO_COLOR: "1" },
  });
  let stderr = "";
  proc.stderr!.on("data", (d) => (stderr += String(d)));
  let buf = Buffer.alloc(0);
  let id = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const send = (m: unknown) => {
    const body = Buffer.from(JSON.stringify(m), "utf8");
    proc.stdin!.write(`Content-Length: ${body.length}\r\n\r\n`);
    proc.stdin!.write(body);
  };
  proc.stdout!.on("data", (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const head = buf.indexOf("\r\n\r\n");
      if (head < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, head).toString())?.[1] ?? "0");
      if (buf.length < head + 4 + len) return;
      const msg = JSON.parse(buf.subarray(head + 4, head + 4 + len).toString("utf8"));
      buf = buf.subarray(head + 4 + len);
      if (msg.id !== undefined && msg.method) {
        Promise.resolve(onRequest(msg.method, msg.params)).then((result) => send({ jsonrpc: "2.0", id: msg.id, result: result ?? null }));
      } else if (msg.id !== undefined) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) p?.reject(Object.assign(new Error(msg.error.message), { data: msg.error.data }));
        else p?.resolve(msg.result);
      }
    }
  });
  const request = (method: string, params: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const myId = ++id;
      const timer = setTimeout(() => reject(new Error(`${method}: no answer in 20 s; stderr: ${stderr.slice(-2000)}`)), 20_000);
      pending.set(myId, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      send({ jsonrpc: "2.0", id: myId, method, params });
    });
  const initializeResult = await request("initialize", {
    processId: process.pid,
    rootUri: null,
    capabilities,
    initializationOptions,
  });
  send({ jsonrpc: "2.0", method: "initialized", params: {} });
  return {
    initializeResult,
    request,
    close: async () => {
      await request("shutdown", null).catch(() => undefined);
      send({ jsonrpc: "2.0", method: "exit" });
      await new Promise((r) => setTimeout(r, 100));
      proc.kill();
      fs.rmSync(data, { recursive: true, force: true });
    },
  };
}
