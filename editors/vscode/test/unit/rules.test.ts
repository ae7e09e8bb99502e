// The shim's validation with the rules the real server announces in `initialize`. Nothing here
// holds a copy of a rule: every expectation is derived from the server's answer.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { validateServerUrl } from "../../src/format";
import type { Rules } from "../../src/protocol";
import { defaultValue, rulesFrom, validateExpirationValue, validateName } from "../../src/rules";
import { type Session, startServer } from "./lsp";

describe("rules from the server's initialize", () => {
  let server: Session;
  let rules: Rules;

  before(async () => {
    server = await startServer({ experimental: { elitea: { secretStorage: true } } });
    const r = rulesFrom(server.initializeResult);
    assert.ok(!("error" in r), `the server announces capabilities.experimental.elitea.rules whole: ${JSON.stringify(r)}`);
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
    for (const m of rules.expiration.measures) {
      if (m.measure === "never") {
        assert.equal(validateExpirationValue("", m), undefined);
        continue;
      }
      if (typeof m.min === "number") {
        assert.equal(validateExpirationValue(String(m.min), m), undefined, `${m.measure} min`);
        assert.ok(validateExpirationValue(String(m.min - 1), m), `${m.measure} below min`);
      }
      if (typeof m.max === "number") {
        assert.equal(validateExpirationValue(` ${m.max} `, m), undefined, `${m.measure} max`);
        assert.ok(validateExpirationValue(String(m.max + 1), m), `${m.measure} above max`);
      }
      assert.ok(validateExpirationValue("1.5", m));
      assert.ok(validateExpirationValue("abc", m));
    }
  });

  test("the default expiration is the server's; another measure starts at its minimum", () => {
    const d = rules.expiration.default;
    if (d.measure !== "never") {
      assert.equal(defaultValue(rules, d.measure), d.value ?? undefined);
    }
    for (const m of rules.expiration.measures.filter((x) => x.measure !== d.measure)) {
      assert.equal(defaultValue(rules, m.measure), m.min ?? undefined, m.measure);
    }
    assert.ok(rules.pageSizes.includes(rules.defaultPageSize));
  });

  test("a server address is checked with the server's pattern and refused with its hint", () => {
    const rule = rules.serverUrl;
    for (const ok of ["sandbox", "https://next.elitea.ai", "http://127.0.0.1:8080", "https://host/base/path", " https://next.elitea.ai "]) {
      assert.equal(validateServerUrl(ok, rule), undefined, ok);
    }
    for (const bad of ["", "next.elitea.ai", "ftp://x", "https://", "https://host?q=1", "https://host#frag", "sandbox2"]) {
      assert.equal(validateServerUrl(bad, rule), rule.hint, bad);
    }
  });

  test("rules that are absent or not whole are an error that says what is missing, never a fallback", () => {
    assert.match((rulesFrom({ capabilities: {} }) as { error: string }).error, /no capabilities\.experimental\.elitea\.rules/);
    const { serverUrl: _gone, ...withoutUrl } = rules;
    const partial = rulesFrom({ capabilities: { experimental: { elitea: { rules: { ...withoutUrl, name: { ...rules.name, reservedHint: 7 } } } } } });
    assert.ok("error" in partial);
    assert.match(partial.error, /name\.reservedHint/);
    assert.match(partial.error, /serverUrl\.pattern/);
    assert.doesNotMatch(partial.error, /pageSizes|maxLength/);
  });
});
