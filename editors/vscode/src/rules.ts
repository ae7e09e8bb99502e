// The rules the server announces in `initialize` (`capabilities.experimental.elitea.rules`):
// the name pattern and length, the server address, the expiration measures and their limits,
// the page sizes. The shim validates as the user types with these and keeps no copy of its
// own: a server that sends none (or a malformed set) is an error to show, not a reason to
// guess. The server checks again on every command. No `vscode` import.

import type { Expiration, Measure, MeasureRule, Rules } from "./protocol";

/**
 * The rules from an `initialize` result; a sentence saying what is wrong when they are absent
 * or not the shape of schemas/rules.json.
 */
export function rulesFrom(initializeResult: unknown): Rules | { error: string } {
  const r = (initializeResult as { capabilities?: { experimental?: { elitea?: { rules?: unknown } } } } | undefined)
    ?.capabilities?.experimental?.elitea?.rules as Partial<Rules> | undefined;
  if (!r || typeof r !== "object") {
    return { error: "its initialize answer has no capabilities.experimental.elitea.rules" };
  }
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");
  const numbers = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "number");
  const missing = [
    typeof r.name?.pattern === "string" || "name.pattern",
    typeof r.name?.maxLength === "number" || "name.maxLength",
    typeof r.name?.hint === "string" || "name.hint",
    strings(r.name?.reservedNames) || "name.reservedNames",
    typeof r.name?.reservedHint === "string" || "name.reservedHint",
    typeof r.serverUrl?.pattern === "string" || "serverUrl.pattern",
    typeof r.serverUrl?.hint === "string" || "serverUrl.hint",
    typeof r.expiration?.default?.measure === "string" || "expiration.default",
    (Array.isArray(r.expiration?.measures) && r.expiration.measures.length > 0) || "expiration.measures",
    numbers(r.pageSizes) || "pageSizes",
    typeof r.defaultPageSize === "number" || "defaultPageSize",
  ].filter((x): x is string => typeof x === "string");
  if (missing.length > 0) {
    return { error: `its rules lack ${missing.join(", ")}` };
  }
  return r as Rules;
}

/** Why a new token's name cannot be used, or `undefined` when it may. */
export function validateName(name: string, rules: Rules): string | undefined {
  if (name.length === 0) {
    return "Enter a name for the token.";
  }
  if (name.length > rules.name.maxLength) {
    return `The name is ${name.length} characters long; at most ${rules.name.maxLength} are allowed.`;
  }
  if (!new RegExp(rules.name.pattern).test(name)) {
    return rules.name.hint;
  }
  // ELITEA's own names (the server's list, a whole and case-sensitive match, as auth_core's).
  if (rules.name.reservedNames.includes(name)) {
    return rules.name.reservedHint;
  }
  return undefined;
}

/** The sentence for a name the server's list already holds (an exact match, as the server's). */
export function takenMessage(name: string): string {
  return `You already have a token named '${name}'. Choose another name.`;
}

/** The value first offered for `measure`: the server's default when it is that measure, else its minimum. */
export function defaultValue(rules: Rules, measure: Measure): number | undefined {
  const d = rules.expiration.default;
  if (d.measure === measure && typeof d.value === "number") {
    return d.value;
  }
  return rules.expiration.measures.find((m) => m.measure === measure)?.min ?? undefined;
}

/** Why `text` is not an acceptable count of `rule.measure`, or `undefined`. */
export function validateExpirationValue(text: string, rule: MeasureRule): string | undefined {
  if (rule.measure === "never") {
    return undefined;
  }
  const unit = rule.label.toLowerCase();
  const t = text.trim();
  const min = rule.min ?? 1;
  const max = rule.max ?? undefined;
  const range = max !== undefined ? `from ${min} to ${max}` : `${min} or more`;
  if (!/^[0-9]+$/.test(t) || !Number.isSafeInteger(Number(t))) {
    return `Enter a whole number of ${unit}, ${range}.`;
  }
  const n = Number(t);
  if (n < min || (max !== undefined && n > max)) {
    return `Enter a whole number of ${unit}, ${range}.`;
  }
  return undefined;
}

export function toExpiration(measure: Measure, text: string): Expiration {
  return measure === "never" ? { measure } : { measure, value: Number(text.trim()) };
}
