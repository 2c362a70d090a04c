import { describe, expect, it } from "vitest";
import { findHits, makeSnippet, parseSearchQuery } from "./query";

describe("search query parsing", () => {
  it("plain words become a prefix query built from letters and digits only", () => {
    expect(parseSearchQuery("  Hello   World ")).toMatchObject({ kind: "prefix", tsquery: "'hello' & 'world':*" });
    expect(parseSearchQuery("a")).toMatchObject({ kind: "prefix", tsquery: "'a'" });
    expect(parseSearchQuery("an")).toMatchObject({ kind: "prefix", tsquery: "'an'" });
    expect(parseSearchQuery("and")).toMatchObject({ kind: "prefix", tsquery: "'and':*" });
    expect(parseSearchQuery("naïve café")).toMatchObject({ kind: "prefix", tsquery: "'naïve' & 'café':*" });
  });

  it("anything else keeps websearch syntax", () => {
    expect(parseSearchQuery('"exact phrase" -not')).toMatchObject({
      kind: "websearch",
      terms: [
        { word: "exact", prefix: false },
        { word: "phrase", prefix: false },
      ],
    });
    expect(parseSearchQuery("it's")).toMatchObject({ kind: "websearch" });
    expect(parseSearchQuery("cats or dogs")).toMatchObject({ kind: "websearch" });
  });

  it("marks whole words, or the typed part of a prefix", () => {
    const text = "Cat, cats and concatenate; CAT!";
    expect(findHits(text, [{ word: "cat", prefix: false }]).map(([s, e]) => text.slice(s, e))).toEqual(["Cat", "CAT"]);
    expect(findHits(text, [{ word: "cat", prefix: true }]).map(([s, e]) => text.slice(s, e))).toEqual(["Cat", "cat", "CAT"]);
  });

  it("cuts a snippet around the first hit", () => {
    const text = `${"word ".repeat(100)}needle ${"more ".repeat(100)}`;
    const s = makeSnippet(text, [{ word: "needle", prefix: false }]);
    expect(s.text.startsWith("…")).toBe(true);
    expect(s.text.endsWith("…")).toBe(true);
    expect(s.highlights.map(([a, b]) => s.text.slice(a, b))).toEqual(["needle"]);
    const short = makeSnippet("needle at start", [{ word: "needle", prefix: false }]);
    expect(short).toEqual({ text: "needle at start", highlights: [[0, 6]] });
  });
});
