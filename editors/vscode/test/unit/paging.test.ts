import assert from "node:assert/strict";
import { describe, test } from "node:test";

import * as p from "../../src/paging";

describe("paging state", () => {
  const s0 = p.INITIAL_STATE;

  test("starts at soonest expiry, ten a page", () => {
    assert.deepEqual(p.toQuery(s0), { sortBy: "expiration", order: "asc", pageSize: 10, page: 0 });
  });

  test("search is sent trimmed, and a new search starts at page one", () => {
    const s = { ...s0, page: 3 };
    const searched = p.withSearch(s, "  dev ");
    assert.equal(searched.page, 0);
    assert.deepEqual(p.toQuery(searched), { sortBy: "expiration", order: "asc", pageSize: 10, page: 0, search: "dev" });
    assert.equal(p.withSearch(s, s.search), s, "the same text changes nothing");
  });

  test("sort buttons: a new key ascends, the same key flips", () => {
    const byName = p.sortedBy({ ...s0, page: 2 }, "name");
    assert.deepEqual([byName.sortBy, byName.order, byName.page], ["name", "asc", 0]);
    const flipped = p.sortedBy(byName, "name");
    assert.equal(flipped.order, "desc");
    assert.equal(p.sortedBy(flipped, "name").order, "asc");
    const back = p.sortedBy(flipped, "expiration");
    assert.deepEqual([back.sortBy, back.order], ["expiration", "asc"]);
  });

  test("page sizes cycle 5, 10, 50, 100 and keep the first row in view", () => {
    assert.deepEqual([5, 10, 50, 100].map((n) => p.nextPageSize(n as p.ListState["pageSize"])), [10, 50, 100, 5]);
    const s = { ...s0, pageSize: 5 as const, page: 7 }; // rows 35..39
    assert.equal(p.withPageSize(s, 10).page, 3); // rows 30..39
    assert.equal(p.withPageSize(s, 50).page, 0);
    assert.equal(p.withPageSize({ ...s0, pageSize: 100, page: 1 }, 5).page, 20);
  });

  test("previous and next stay inside the pages", () => {
    assert.equal(p.pageCount(0, 10), 1);
    assert.equal(p.pageCount(10, 10), 1);
    assert.equal(p.pageCount(11, 10), 2);
    assert.equal(p.hasPrevious(s0), false);
    assert.equal(p.previous(s0), s0);
    assert.equal(p.hasNext(s0, 11), true);
    const s1 = p.next(s0, 11);
    assert.equal(s1.page, 1);
    assert.equal(p.hasNext(s1, 11), false);
    assert.equal(p.next(s1, 11), s1);
    assert.equal(p.previous(s1).page, 0);
  });

  test("a page past the end after a delete shows the last page", () => {
    const s = { ...s0, pageSize: 5 as const, page: 2 };
    assert.equal(p.clampToTotal(s, 10).page, 1);
    assert.equal(p.clampToTotal(s, 11), s);
    assert.equal(p.clampToTotal(s, 0).page, 0);
  });

  test("title, paging rows and button tooltips say what is shown and what comes next", () => {
    const s = { ...s0, pageSize: 5 as const, page: 1 };
    assert.equal(p.title(s, 12), "ELITEA Tokens: 12 tokens · page 2 of 3 · soonest expiry first · 5 a page");
    assert.equal(p.title({ ...s0, search: "dev" }, 1), "ELITEA Tokens: 1 matching 'dev' · page 1 of 1 · soonest expiry first · 10 a page");
    assert.deepEqual(p.pagingRows(s, 12), {
      previous: "$(arrow-left) Previous page (1 of 3)",
      next: "$(arrow-right) Next page (3 of 3)",
    });
    assert.deepEqual(p.pagingRows(s0, 3), {});
    assert.deepEqual(p.buttonTooltips(s0), {
      byName: "Sort by name, A→Z",
      byExpiration: "Sort by expiration, latest first",
      pageSize: "Page size: 10 (click for 50)",
    });
    const byNameAsc = p.sortedBy(s0, "name");
    assert.equal(p.buttonTooltips(byNameAsc).byName, "Sort by name, Z→A");
    assert.equal(p.buttonTooltips(byNameAsc).byExpiration, "Sort by expiration, soonest first");
    assert.match(p.title(p.sortedBy(byNameAsc, "name"), 3), /name Z→A/);
  });
});
