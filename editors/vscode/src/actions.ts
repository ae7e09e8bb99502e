// The actions of the server's expiry warnings (`window/showMessageRequest`). Each item carries
// `{title, action: "rotate" | "showTokens" | "snooze", uuid}`. The chosen item always goes back
// to the server as the answer (it rotates on "rotate" and snoozes on "snooze"); the shim
// carries out "showTokens" itself. Dispatch is on `action` and `uuid` only, never on a title or
// the message text. No `vscode` import.

import type { WarningAction } from "./protocol";

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
