// Apply Settings' answers to the server's refusals: decided on `kind` and `data.reason`, never
// on the message; each flag offered once, so that a refusal repeated ends the exchange.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { applyQuestion } from "../../src/applyAnswers";
import type { ApplySettingsParams } from "../../src/protocol";
import { toServerError } from "../../src/serverError";

const base: ApplySettingsParams = { uuid: "u-1", ide: "vscode", target: { kind: "user" } };

/** The error as it arrives over JSON-RPC, with a message the decision must not read. */
function refusal(kind: string, reason?: string, message = "Some sentence of the server.") {
  return toServerError({ code: -32803, message, data: reason ? { kind, reason } : { kind } });
}

describe("an expired token (conflict, reason tokenExpired)", () => {
  test("offers Replace with a new token… (replaceExpired) and Write anyway (allowExpired); Cancel is the modal's own", () => {
    const q = applyQuestion(refusal("conflict", "tokenExpired"), base);
    assert.deepEqual(q, {
      choices: [
        { title: "Replace with a new token…", resend: { replaceExpired: true } },
        { title: "Write anyway", resend: { allowExpired: true } },
      ],
    });
  });

  test("not asked again once either flag was sent: the server's second refusal is shown as it is", () => {
    assert.equal(applyQuestion(refusal("conflict", "tokenExpired"), { ...base, replaceExpired: true }), undefined);
    assert.equal(applyQuestion(refusal("conflict", "tokenExpired"), { ...base, allowExpired: true }), undefined);
  });

  test("dispatched on the reason, not the text: the same sentence with another reason is another question", () => {
    const text = "'dev' has expired. Replace with a new token… or write it anyway?";
    assert.equal(applyQuestion(refusal("conflict", "tokenExpired", text), base)?.choices[0]?.resend?.replaceExpired, true);
    // trackedFile: the tracked-file question, whatever the sentence says.
    assert.deepEqual(applyQuestion(refusal("conflict", "trackedFile", text), base)?.choices, [{ title: "Write Anyway", resend: { allowTrackedFile: true } }]);
    // No reason at all: shown, nothing offered.
    assert.equal(applyQuestion(refusal("conflict", undefined, text), base), undefined);
    // A reason this shim does not know: shown, nothing offered that could mean something else.
    assert.equal(applyQuestion(refusal("conflict", "somethingNew", text), base), undefined);
    // Another kind with the reason's name: not the expired question.
    assert.equal(applyQuestion(refusal("invalidParams", "tokenExpired", text), base), undefined);
  });

  test("after Replace, the file git would share is still asked about (flags add up)", () => {
    const sent = { ...base, target: { kind: "workspace" as const, path: "/w" }, replaceExpired: true };
    assert.deepEqual(applyQuestion(refusal("conflict", "trackedFile"), sent)?.choices[0]?.resend, { allowTrackedFile: true });
    assert.equal(applyQuestion(refusal("conflict", "trackedFile"), { ...sent, allowTrackedFile: true }), undefined);
  });
});

describe("the other refusals", () => {
  test("a read-only or foreign file (fileUnreadable, reason writeProtected): Replace Anyway, once", () => {
    assert.deepEqual(applyQuestion(refusal("fileUnreadable", "writeProtected"), base)?.choices, [{ title: "Replace Anyway", resend: { writeProtected: true } }]);
    assert.equal(applyQuestion(refusal("fileUnreadable", "writeProtected"), { ...base, writeProtected: true }), undefined);
    assert.equal(applyQuestion(refusal("fileUnreadable"), base), undefined, "an unreadable file is only reported");
  });

  test("a value not kept here: Apply Without Token, or Rotate Token (once)", () => {
    const q = applyQuestion(refusal("notFound", "valueNotKnown"), base);
    assert.deepEqual(q?.choices, [
      { title: "Apply Without Token", resend: { withoutToken: true } },
      { title: "Rotate Token", command: "elitea.rotateToken" },
    ]);
    assert.equal(applyQuestion(refusal("notFound", "valueNotKnown"), { ...base, withoutToken: true }), undefined);
    assert.equal(applyQuestion(refusal("notFound"), base), undefined, "a token that is gone is only reported");
  });

  test("everything else is only shown", () => {
    for (const kind of ["invalidParams", "notSignedIn", "credentialRejected", "unavailable", "settingsUnavailable", "fileUnreadable", "fileChanged", "internal"]) {
      assert.equal(applyQuestion(refusal(kind), base), undefined, kind);
    }
  });
});
