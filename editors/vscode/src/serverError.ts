// What the protocol holds beyond the schemas (src/protocol.ts is generated from those): the
// custom LSP methods besides the commands, the expiry warning's actions, and the error a failed
// command becomes. No `vscode` import: the unit tests load this module under plain Node.

import { type ErrorKind, ErrorKindValues } from "./protocol";

/** The custom notification the status bar item shows (params: `TokenStatusParams`). */
export const TOKEN_STATUS = "elitea/tokenStatus";

/** Server-to-client requests answered from the editor's SecretStorage (announced in `initialize`). */
export const SECRET_STORAGE = {
  get: "elitea/secretStorage/get",
  store: "elitea/secretStorage/store",
  delete: "elitea/secretStorage/delete",
} as const;

/** What an expiry warning's button asks for; the server names it, the shim never reads titles. */
export type WarningAction = "rotate" | "replace" | "showTokens" | "snooze";

/** A failed command: the server's sentence and its `data.kind`. */
export class ServerError extends Error {
  readonly kind: ErrorKind;
  readonly code: number | undefined;
  /** `data.reason`: a finer reason within the kind, such as `valueNotKnown`. */
  readonly reason: string | undefined;
  constructor(message: string, kind: ErrorKind, code?: number, reason?: string) {
    super(message);
    this.name = "ServerError";
    this.kind = kind;
    this.code = code;
    this.reason = reason;
  }
}

/** Turns whatever a request rejected with into a `ServerError`; an unknown kind is `internal`. */
export function toServerError(e: unknown): ServerError {
  if (e instanceof ServerError) {
    return e;
  }
  const any = e as { message?: unknown; data?: { kind?: unknown; reason?: unknown }; code?: unknown } | undefined;
  const message = typeof any?.message === "string" && any.message.length > 0 ? any.message : String(e);
  const kindRaw = any?.data?.kind;
  const kind: ErrorKind =
    typeof kindRaw === "string" && (ErrorKindValues as readonly string[]).includes(kindRaw) ? (kindRaw as ErrorKind) : "internal";
  const code = typeof any?.code === "number" ? any.code : undefined;
  const reasonRaw = any?.data?.reason;
  return new ServerError(message, kind, code, typeof reasonRaw === "string" ? reasonRaw : undefined);
}
