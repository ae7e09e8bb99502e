// The actions of the server's warnings (`window/showMessageRequest`). Each item carries
// `{title, action: "rotate" | "replace" | "showTokens" | "snooze", uuid}`. The chosen item always
// goes back to the server as the answer, as it came (it rotates on "rotate", replaces a revoked
// token on "replace", snoozes on "snooze", and does what a later server adds); the shim
// carries out "showTokens" itself. Dispatch is on `action` and `uuid` only, never on a title or
// the message text. Also the arguments of the server's "Replace with a new token…" quick fix.
// No `vscode` import.

import type { GenerateTokenParams, ReplaceIn } from "./protocol";
import type { WarningAction } from "./serverError";

export interface ActionItem {
  title: string;
  action?: WarningAction | string;
  uuid?: string;
  [key: string]: unknown;
}

/** What the shim does after answering: `undefined` when the server does it all (or nothing). */
export function localActionFor(item: ActionItem | undefined): { action: "showTokens"; uuid?: string } | undefined {
  if (!item || item.action !== "showTokens") {
    return undefined;
  }
  return typeof item.uuid === "string" && item.uuid.length > 0 ? { action: "showTokens", uuid: item.uuid } : { action: "showTokens" };
}

/**
 * The answer to a `window/showMessageRequest`: the chosen item itself, every field as the server
 * sent it (an action the shim does not know is the server's to carry out, never dropped), or
 * `null` when dismissed; and what the shim does after answering.
 */
export function answerFor(chosen: ActionItem | undefined): { answer: ActionItem | null; local: ReturnType<typeof localActionFor> } {
  return { answer: chosen ?? null, local: localActionFor(chosen) };
}

/** The server's "Replace with a new token…" quick fix: a proposed name and where the value goes. */
export interface ReplaceFix {
  name: string;
  replaceIn: ReplaceIn;
}

/** The quick fix's arguments, as the server sends them; anything else is a plain Generate. */
export function asReplaceFix(a: unknown): ReplaceFix | undefined {
  const x = a as Partial<GenerateTokenParams> | undefined;
  const r = x?.replaceIn;
  const isPos = (p: unknown) => typeof (p as { line?: unknown })?.line === "number" && typeof (p as { character?: unknown })?.character === "number";
  if (!x || typeof x.name !== "string" || !r || typeof r.uri !== "string" || !isPos(r.range?.start) || !isPos(r.range?.end)) {
    return undefined;
  }
  return { name: x.name, replaceIn: { uri: r.uri, range: { start: r.range.start, end: r.range.end } } };
}
