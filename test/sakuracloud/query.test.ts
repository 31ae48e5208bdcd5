import { describe, expect, it } from "vitest";
import { escapeFilterValue, findQueryString, toFindRequest } from "../../src/sakuracloud/query";

describe("search conditions", () => {
  it("always sends Count and From, 0 meaning no paging", () => {
    expect(toFindRequest()).toEqual({ Count: 0, From: 0 });
  });

  it("joins name words with a literal %20 and writes tags as an array inside an array", () => {
    expect(toFindRequest({ name: " demo  host ", tags: ["pxectl", "pxectl-env=demo"], sort: ["-CreatedAt"], count: 10, from: 20, filter: { Scope: ["shared"] } })).toEqual({
      Count: 10,
      From: 20,
      Sort: ["-CreatedAt"],
      Filter: { Scope: ["shared"], Name: "demo%20host", "Tags.Name": [["pxectl", "pxectl-env=demo"]] },
    });
  });

  it("escapes values as Go's url.PathEscape: MACs and tags stay readable, no + for spaces", () => {
    expect(escapeFilterValue("00:00:5E:00:53:00")).toBe("00:00:5E:00:53:00");
    expect(escapeFilterValue("pxectl-env=demo")).toBe("pxectl-env=demo");
    expect(escapeFilterValue("a b/c(d)")).toBe("a%20b%2Fc%28d%29");
  });

  it("puts the JSON after ? percent-encoded, so any HTTP stack sends the same bytes", () => {
    expect(findQueryString({ Count: 0, From: 0, Filter: { Name: "a%20b" } })).toBe("?%7B%22Count%22%3A0%2C%22From%22%3A0%2C%22Filter%22%3A%7B%22Name%22%3A%22a%2520b%22%7D%7D");
  });
});
