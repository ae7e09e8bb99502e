// Paging arithmetic with made-up page sizes: the real sizes are the server's (rules), and no
// test here holds a copy of them.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import * as p from "../../src/paging";

const SIZES = [4, 8, 40, 80];

describe("paging state", () => {
  const s0 = p.initialState(8);

  test("starts at soonest expiry, with the default page size given", () => {
    assert.deepEqual(p.toQuery(s0), { sortBy: "expiration", order: "asc", pageSize: 8, page: 0 });
  });

  test("search is sent trimmed, and a new search starts at page one", () => {
    const s = { ...s0, page: 3 };
    const searched = p.withSearch(s, "  dev ");
    assert.equal(searched.page, 0);
    assert.deepEqual(p.toQuery(searched), { sortBy: "expiration", order: "asc", pageSize: 8, page: 0, search: "dev" });
    assert.equal(p.withSearch(s, s.search), s, "the same text changes nothing");
  });

  test("sort headers: a new key ascends, the same key flips", () => {
    const byName = p.sortedBy({ ...s0, page: 2 }, "name");
    assert.deepEqual([byName.sortBy, byName.order, byName.page], ["name", "asc", 0]);
    const flipped = p.sortedBy(byName, "name");
    assert.equal(flipped.order, "desc");
    assert.equal(p.sortedBy(flipped, "name").order, "asc");
    const back = p.sortedBy(flipped, "expiration");
    assert.deepEqual([back.sortBy, back.order], ["expiration", "asc"]);
  });

  test("page sizes cycle through the given sizes and keep the first row in view", () => {
    assert.deepEqual(SIZES.map((n) => p.nextPageSize(n, SIZES)), [8, 40, 80, 4]);
    const s = { ...s0, pageSize: 4, page: 7 }; // rows 28..31
    assert.equal(p.withPageSize(s, 8).page, 3); // rows 24..31
    assert.equal(p.withPageSize(s, 40).page, 0);
    assert.equal(p.withPageSize({ ...s0, pageSize: 80, page: 1 }, 4).page, 20);
  });

  test("previous and next stay inside the pages", () => {
    assert.equal(p.pageCount(0, 8), 1);
    assert.equal(p.pageCount(8, 8), 1);
    assert.equal(p.pageCount(9, 8), 2);
    assert.equal(p.hasPrevious(s0), false);
    assert.equal(p.previous(s0), s0);
    assert.equal(p.hasNext(s0, 9), true);
    const s1 = p.next(s0, 9);
    assert.equal(s1.page, 1);
    assert.equal(p.hasNext(s1, 9), false);
    assert.equal(p.next(s1, 9), s1);
    assert.equal(p.previous(s1).page, 0);
  });

  test("a page past the end after a delete shows the last page", () => {
    const s = { ...s0, pageSize: 4, page: 2 };
    assert.equal(p.clampToTotal(s, 8).page, 1);
    assert.equal(p.clampToTotal(s, 9), s);
    assert.equal(p.clampToTotal(s, 0).page, 0);
  });

  test("the page's range reads '1–8 of 37'", () => {
    assert.equal(p.rangeText(s0, 37), "1\u20138 of 37");
    assert.equal(p.rangeText({ ...s0, page: 4 }, 37), "33\u201337 of 37");
    assert.equal(p.rangeText(s0, 0), "0 of 0");
  });

  test("title, paging rows and button tooltips say what is shown and what comes next", () => {
    const s = { ...s0, pageSize: 4, page: 1 };
    assert.equal(p.title(s, 10), "ELITEA Tokens: 10 tokens · page 2 of 3 · soonest expiry first · 4 a page");
    assert.equal(p.title({ ...s0, search: "dev" }, 1), "ELITEA Tokens: 1 matching 'dev' · page 1 of 1 · soonest expiry first · 8 a page");
    assert.deepEqual(p.pagingRows(s, 10), {
      previous: "$(arrow-left) Previous page (1 of 3)",
      next: "$(arrow-right) Next page (3 of 3)",
    });
    assert.deepEqual(p.pagingRows(s0, 3), {});
    assert.deepEqual(p.buttonTooltips(s0, SIZES), {
      byName: "Sort by name, A→Z",
      byExpiration: "Sort by expiration, latest first",
      pageSize: "Page size: 8 (click for 40)",
    });
    const byNameAsc = p.sortedBy(s0, "name");
    assert.equal(p.buttonTooltips(byNameAsc, SIZES).byName, "Sort by name, Z→A");
    assert.equal(p.buttonTooltips(byNameAsc, SIZES).byExpiration, "Sort by expiration, soonest first");
    assert.match(p.title(p.sortedBy(byNameAsc, "name"), 3), /name Z→A/);
  });
});
