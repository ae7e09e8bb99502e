// The rules the server announces in `initialize` (`capabilities.experimental.elitea.rules`):
// the name pattern and length, the expiration measures and their limits, the page sizes. The
// shim validates as the user types with these and keeps no copy of its own; the server checks
// again on every command. No `vscode` import.

import type { Expiration, Measure, MeasureRule, Rules } from "./protocol";

/** The rules from an `initialize` result, or `undefined` from a server that sends none. */
export function rulesFrom(initializeResult: unknown): Rules | undefined {
  const r = (initializeResult as { capabilities?: { experimental?: { elitea?: { rules?: unknown } } } } | undefined)
    ?.capabilities?.experimental?.elitea?.rules as Partial<Rules> | undefined;
  if (!r || typeof r !== "object") {
    return undefined;
  }
  const ok =
    typeof r.name?.pattern === "string" &&
    typeof r.name.maxLength === "number" &&
    Array.isArray(r.expiration?.measures) &&
    Array.isArray(r.pageSizes) &&
    r.pageSizes.length > 0 &&
    typeof r.defaultPageSize === "number";
  if (!ok) {
    return undefined;
  }
  // The reserved names are read only as the protocol gives them (a list of strings and a
  // sentence); anything else is left to the server's own refusal.
  const name = { ...r.name } as Rules["name"];
  const reserved = name.reservedNames as unknown;
  if (!Array.isArray(reserved) || !reserved.every((n) => typeof n === "string")) {
    delete name.reservedNames;
  }
  if (typeof name.reservedHint !== "string") {
    delete name.reservedHint;
  }
  return { ...(r as Rules), name };
}

/**
 * Why a new token's name cannot be used, or `undefined` when it may. Without rules (an older
 * server) only emptiness is checked here and the server's answer says the rest.
 */
export function validateName(name: string, rules: Rules | undefined): string | undefined {
  if (name.length === 0) {
    return "Enter a name for the token.";
  }
  if (!rules) {
    return undefined;
  }
  if (name.length > rules.name.maxLength) {
    return `The name is ${name.length} characters long; at most ${rules.name.maxLength} are allowed.`;
  }
  if (!new RegExp(rules.name.pattern).test(name)) {
    return rules.name.hint;
  }
  // ELITEA's own names (the server's list, a whole and case-sensitive match, as auth_core's):
  // the server's sentence, or one naming the name when a server sends the list without it.
  if (rules.name.reservedNames?.includes(name)) {
    return rules.name.reservedHint ?? `'${name}' is reserved by ELITEA: choose another name.`;
  }
  return undefined;
}

/** The sentence for a name the server's list already holds (an exact match, as the server's). */
export function takenMessage(name: string): string {
  return `You already have a token named '${name}'. Choose another name.`;
}

/** The measures to offer, in the server's order; an older server's are the protocol's own. */
export function measureRules(rules: Rules | undefined): MeasureRule[] {
  if (rules) {
    return rules.expiration.measures;
  }
  const names: Measure[] = ["never", "days", "weeks", "hours", "minutes"];
  return names.map((m) => ({ measure: m, label: m[0]!.toUpperCase() + m.slice(1) }));
}

/** The value first offered for `measure`: the server's default when it is that measure. */
export function defaultValue(rules: Rules | undefined, measure: Measure): number | undefined {
  const d = rules?.expiration.default;
  if (d && d.measure === measure && typeof d.value === "number") {
    return d.value;
  }
  return measureRules(rules).find((m) => m.measure === measure)?.min;
}

/** The measure selected first. */
export function defaultMeasure(rules: Rules | undefined): Measure | undefined {
  return rules?.expiration.default.measure;
}

/** Why `text` is not an acceptable count of `rule.measure`, or `undefined`. */
export function validateExpirationValue(text: string, rule: MeasureRule): string | undefined {
  if (rule.measure === "never") {
    return undefined;
  }
  const unit = rule.label.toLowerCase();
  const t = text.trim();
  const range =
    rule.min !== undefined && rule.max !== undefined
      ? `from ${rule.min} to ${rule.max}`
      : rule.min !== undefined
        ? `${rule.min} or more`
        : "1 or more";
  if (!/^[0-9]+$/.test(t) || !Number.isSafeInteger(Number(t))) {
    return `Enter a whole number of ${unit}, ${range}.`;
  }
  const n = Number(t);
  if ((rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max) || (rule.min === undefined && n < 1)) {
    return `Enter a whole number of ${unit}, ${range}.`;
  }
  return undefined;
}

export function toExpiration(measure: Measure, text: string): Expiration {
  return measure === "never" ? { measure } : { measure, value: Number(text.trim()) };
}

/** The page sizes to offer: the server's, or (older server) the one it answered with. */
export function pageSizes(rules: Rules | undefined, current: number): number[] {
  return rules ? rules.pageSizes : [current];
}
