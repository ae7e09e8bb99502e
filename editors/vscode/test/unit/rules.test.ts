// The shim's validation with the rules the real server announces in `initialize`. Nothing here
// holds a copy of a rule: every expectation is derived from the server's answer.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import type { Rules } from "../../src/protocol";
import { defaultMeasure, defaultValue, measureRules, pageSizes, rulesFrom, validateExpirationValue, validateName } from "../../src/rules";
import { type Session, startServer } from "./lsp";

describe("rules from the server's initialize", () => {
  let server: Session;
  let rules: Rules;

  before(async () => {
    server = await startServer({ experimental: { elitea: { secretStorage: true } } });
    const r = rulesFrom(server.initializeResult);
    assert.ok(r, `the server announces capabilities.experimental.elitea.rules: ${JSON.stringify(server.initializeResult).slice(0, 600)}`);
    rules = r;
  });
  after(async () => {
    await server?.close();
  });

  test("a name at the limit passes; one over it, or outside the pattern, is refused with the server's hint", () => {
    const pattern = new RegExp(rules.name.pattern);
    // A letter the pattern accepts, repeated to the limit.
    const ok = ["a", "A", "0", "x"].find((c) => pattern.test(c));
    assert.ok(ok, "the pattern accepts some plain character");
    assert.equal(validateName(ok.repeat(rules.name.maxLength), rules), undefined);
    assert.match(validateName(ok.repeat(rules.name.maxLength + 1), rules)!, new RegExp(`at most ${rules.name.maxLength}`));
    for (const bad of ["has space", "dot.name", "ünï"]) {
      if (!pattern.test(bad)) {
        assert.equal(validateName(bad, rules), rules.name.hint);
      }
    }
    assert.match(validateName("", rules)!, /Enter a name/);
  });

  test("a reserved name is refused as it is typed with the server's sentence; a whole, case-sensitive match only", () => {
    const reserved = rules.name.reservedNames;
    assert.ok(Array.isArray(reserved) && reserved.length > 0, `the server announces rules.name.reservedNames: ${JSON.stringify(rules.name)}`);
    assert.equal(typeof rules.name.reservedHint, "string");
    const pattern = new RegExp(rules.name.pattern);
    for (const name of reserved) {
      assert.equal(validateName(name, rules), rules.name.reservedHint, name);
      // Another case, or the name inside a longer one, is an ordinary name.
      for (const near of [name.toUpperCase(), `${name}-2`, `my-${name}`]) {
        if (near !== name && !reserved.includes(near) && pattern.test(near) && near.length <= rules.name.maxLength) {
          assert.equal(validateName(near, rules), undefined, near);
        }
      }
    }
  });

  test("each measure's limits: min and max pass, one outside fails; never takes no value", () => {
    assert.ok(rules.expiration.measures.length > 0);
    for (const m of measureRules(rules)) {
      if (m.measure === "never") {
        assert.equal(validateExpirationValue("", m), undefined);
        continue;
      }
      if (m.min !== undefined) {
        assert.equal(validateExpirationValue(String(m.min), m), undefined, `${m.measure} min`);
        assert.ok(validateExpirationValue(String(m.min - 1), m), `${m.measure} below min`);
      }
      if (m.max !== undefined) {
        assert.equal(validateExpirationValue(` ${m.max} `, m), undefined, `${m.measure} max`);
        assert.ok(validateExpirationValue(String(m.max + 1), m), `${m.measure} above max`);
      }
      assert.ok(validateExpirationValue("1.5", m));
      assert.ok(validateExpirationValue("abc", m));
    }
  });

  test("the default expiration and page sizes are the server's", () => {
    const d = rules.expiration.default;
    assert.equal(defaultMeasure(rules), d.measure);
    if (d.measure !== "never") {
      assert.equal(defaultValue(rules, d.measure), d.value);
    }
    assert.deepEqual(pageSizes(rules, -1), rules.pageSizes);
    assert.ok(rules.pageSizes.includes(rules.defaultPageSize));
  });

  test("reserved names as the protocol gives them: a list without its sentence names the name; a malformed list is left to the server", () => {
    const base = { ...rules, name: { ...rules.name } };
    delete base.name.reservedNames;
    delete base.name.reservedHint;
    const ok = ["a", "x"].find((c) => new RegExp(rules.name.pattern).test(`kept-by-${c}`))!;
    const kept = `kept-by-${ok}`;
    const withList = rulesFrom({ capabilities: { experimental: { elitea: { rules: { ...base, name: { ...base.name, reservedNames: [kept] } } } } } });
    assert.match(validateName(kept, withList)!, new RegExp(`'${kept}' is reserved`));
    const malformed = rulesFrom({ capabilities: { experimental: { elitea: { rules: { ...base, name: { ...base.name, reservedNames: kept, reservedHint: 7 } } } } } });
    assert.ok(malformed, "the other rules still hold");
    assert.equal(malformed.name.reservedNames, undefined);
    assert.equal(malformed.name.reservedHint, undefined);
    assert.equal(validateName(kept, malformed), undefined);
    // An older server without the list: the name goes to the server, which answers for it.
    assert.equal(validateName(kept, rulesFrom({ capabilities: { experimental: { elitea: { rules: base } } } })), undefined);
  });

  test("an older server without rules: only emptiness is checked here, the server says the rest", () => {
    assert.equal(rulesFrom({ capabilities: {} }), undefined);
    assert.equal(validateName("any thing", undefined), undefined);
    assert.deepEqual(pageSizes(undefined, 7), [7]);
  });
});
