import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { pageView, parseMessage } from "../../src/pageModel";
import * as paging from "../../src/paging";
import type { TokenRow } from "../../src/protocol";

const env = { home: "/home/u", hasFolder: true };
// A row in the server's wire form (schemas/listTokens.result.json).
const row = (over: Partial<TokenRow>): TokenRow => ({
  uuid: "u1",
  name: "VSCode-Dev",
  displayName: "VSCode-Dev",
  confirmName: "VSCode-Dev",
  masked: "...ab12",
  expires: "2026-12-01T12:00:00Z",
  status: { kind: "warning", label: "in 3 days" },
  valueKnown: true,
  usedIn: [],
  usedInPlaces: [],
  ...over,
});

describe("the Personal Tokens page's view", () => {
  test("rows: the server's display name, masked, the date, the state and the server's label, Used in in the server's words", () => {
    const s = paging.initialState(8);
    const v = pageView(
      s,
      {
        total: 20,
        page: 0,
        pageSize: 8,
        items: [
          row({
            usedIn: ["/home/u/.config/Code/User/settings.json", "/w/api/.idea/alita.xml"],
            usedInPlaces: ["your user settings", "JetBrains project api"],
          }),
          row({ uuid: "u2", name: null, displayName: "...zz99", confirmName: "u2", masked: "...zz99", expires: null, status: { kind: "never", label: "Never" } }),
          row({ uuid: "u3", status: { kind: "expired", label: "Expired" } }),
        ],
      },
      [4, 8],
      env,
      "en-US",
    );
    assert.equal(v.range, "1\u20138 of 20");
    assert.deepEqual([v.hasPrevious, v.hasNext], [false, true]);
    const [a, b, c] = v.rows;
    assert.equal(a!.name, "VSCode-Dev");
    assert.equal(a!.state, "⚠");
    assert.equal(a!.label, "in 3 days");
    assert.match(a!.date, /2026/);
    assert.deepEqual(a!.usedIn, ["your user settings", "JetBrains project api"]);
    assert.deepEqual(a!.usedInFiles, ["~/.config/Code/User/settings.json", "/w/api/.idea/alita.xml"]);
    assert.equal(b!.name, "...zz99", "a nameless token by the server's displayName");
    assert.deepEqual([b!.date, b!.state, b!.label], ["", "Never", ""]);
    assert.deepEqual([b!.usedIn, b!.usedInFiles], [[], []], "used nowhere");
    assert.equal(v.hasFolder, true);
    assert.deepEqual([c!.state, c!.label], ["Expired", ""]);
  });

  test("an empty search says so", () => {
    const v = pageView(paging.withSearch(paging.initialState(8), "zzz"), { total: 0, page: 0, pageSize: 8, items: [] }, [8], { hasFolder: false }, "en-US");
    assert.equal(v.empty, "No token matches 'zzz'.");
    assert.equal(v.range, "0 of 0");
  });

  test("messages from the webview are checked, anything else ignored", () => {
    assert.deepEqual(parseMessage({ type: "row", action: "delete", uuid: "u1" }), { type: "row", action: "delete", uuid: "u1" });
    assert.equal(parseMessage({ type: "row", action: "format-disk", uuid: "u1" }), undefined);
    assert.deepEqual(parseMessage({ type: "sort", by: "name" }), { type: "sort", by: "name" });
    assert.equal(parseMessage({ type: "sort", by: "size" }), undefined);
    assert.equal(parseMessage({ type: "pageSize", size: "8" }), undefined);
    assert.equal(parseMessage("ready"), undefined);
    assert.deepEqual(parseMessage({ type: "generated", action: "copy" }), { type: "generated", action: "copy" });
  });
});
