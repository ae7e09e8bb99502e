// The questions Apply Settings asks when the server refuses, decided on the error's `kind` and
// `data.reason` only (never on the message, which is the server's sentence to show as it is).
// Each choice either resends the same params with one more flag, or hands over to another
// command. No `vscode` import: test/unit runs it under plain Node.

import type { ApplySettingsParams, ErrorKind } from "./protocol";

export interface ApplyChoice {
  /** The button. */
  title: string;
  /** Resend with these params added. */
  resend?: Partial<ApplySettingsParams>;
  /** Run this extension command with the token's row instead. */
  command?: "elitea.rotateToken";
}

/** A modal question: the server's message, these buttons, and Cancel (VSCode adds it). */
export interface ApplyQuestion {
  choices: ApplyChoice[];
}

/**
 * What to ask for a refused `elitea.applySettings`, or `undefined` when the refusal is only
 * shown. A flag already sent is never offered again, so that a second refusal of the same kind
 * ends the exchange instead of asking in a loop.
 */
export function applyQuestion(err: { kind: ErrorKind; reason?: string | undefined }, sent: ApplySettingsParams): ApplyQuestion | undefined {
  if (err.kind === "notFound" && err.reason === "valueNotKnown" && !sent.withoutToken) {
    return {
      choices: [
        { title: "Apply Without Token", resend: { withoutToken: true } },
        { title: "Rotate Token", command: "elitea.rotateToken" },
      ],
    };
  }
  if (err.kind === "conflict" && err.reason === "tokenExpired") {
    if (sent.replaceExpired || sent.allowExpired) {
      return undefined;
    }
    return {
      choices: [
        { title: "Replace with a new token…", resend: { replaceExpired: true } },
        { title: "Write anyway", resend: { allowExpired: true } },
      ],
    };
  }
  // The file is one git would share (tracked or not ignored): written only when the user says so.
  if (err.kind === "conflict" && err.reason === "trackedFile" && !sent.allowTrackedFile) {
    return { choices: [{ title: "Write Anyway", resend: { allowTrackedFile: true } }] };
  }
  // A read-only file, or another user's: replaced only when the user says so.
  if (err.kind === "fileUnreadable" && err.reason === "writeProtected" && !sent.writeProtected) {
    return { choices: [{ title: "Replace Anyway", resend: { writeProtected: true } }] };
  }
  return undefined;
}
