// How a search box's text becomes a PostgreSQL text-search query, and which words to mark in
// the results. Pure and client-safe (the snippet code and its tests share it).

const WORD = /[\p{L}\p{N}]+/gu;
const PLAIN_WORD = /^[\p{L}\p{N}]+$/u;

export type ParsedQuery =
  | {
      /** Plain words: every word must occur; the last one may be the start of a word (typing). */
      kind: "prefix";
      /** `to_tsquery('simple', …)` input, built only from letters and digits. */
      tsquery: string;
      terms: HighlightTerm[];
    }
  | {
      /** Quotes, `or`, `-word`: handed to `websearch_to_tsquery('simple', …)` as typed. */
      kind: "websearch";
      text: string;
      terms: HighlightTerm[];
    };

export type HighlightTerm = { word: string; prefix: boolean };

/**
 * Plain words → `'w1' & 'w2' & 'w3':*` (safe: each word is letters and digits only, and it is
 * sent as a bound parameter). Anything else keeps websearch syntax, which never raises a
 * syntax error whatever the user typed.
 */
export function parseSearchQuery(input: string): ParsedQuery {
  const text = input.trim().replace(/\s+/g, " ");
  const words = text.split(" ").filter(Boolean);
  if (words.length > 0 && words.length <= 16 && words.every((w) => PLAIN_WORD.test(w) && w.toLowerCase() !== "or")) {
    const lower = words.map((w) => w.toLowerCase());
    const last = lower.length - 1;
    // A one- or two-letter prefix would match most of the history; only whole words then.
    const prefixLast = lower[last].length >= 3;
    const tsquery = lower.map((w, i) => (i === last && prefixLast ? `'${w}':*` : `'${w}'`)).join(" & ");
    return {
      kind: "prefix",
      tsquery,
      terms: lower.map((word, i) => ({ word, prefix: i === last && prefixLast })),
    };
  }
  return { kind: "websearch", text, terms: websearchTerms(text) };
}

/** The positive words of a websearch query: not `or`, not after `-`. */
function websearchTerms(text: string): HighlightTerm[] {
  const terms: HighlightTerm[] = [];
  // Split on whitespace outside quotes is not needed: words inside quotes are positive too.
  for (const token of text.split(/\s+/)) {
    if (!token || token.toLowerCase() === "or") continue;
    if (token.startsWith("-")) continue;
    for (const match of token.matchAll(WORD)) terms.push({ word: match[0].toLowerCase(), prefix: false });
  }
  return dedupe(terms);
}

function dedupe(terms: HighlightTerm[]): HighlightTerm[] {
  const seen = new Set<string>();
  return terms.filter((t) => {
    const key = `${t.word}:${t.prefix}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** [start, end) ranges of the words in `text` that match a term, in order. */
export function findHits(text: string, terms: readonly HighlightTerm[]): [number, number][] {
  if (terms.length === 0) return [];
  const hits: [number, number][] = [];
  for (const match of text.matchAll(WORD)) {
    const word = match[0].toLowerCase();
    if (terms.some((t) => (t.prefix ? word.startsWith(t.word) : word === t.word))) {
      const start = match.index ?? 0;
      // For a prefix term only the typed part is marked, as a search box user expects.
      const term = terms.find((t) => (t.prefix ? word.startsWith(t.word) : word === t.word))!;
      const length = term.prefix && word !== term.word ? prefixLength(match[0], term.word) : match[0].length;
      hits.push([start, start + length]);
    }
  }
  return hits;
}

/** UTF-16 length of the part of `original` whose lower-case form is `prefix`. */
function prefixLength(original: string, prefix: string): number {
  let taken = "";
  let i = 0;
  for (const ch of original) {
    if (taken.length >= prefix.length) break;
    taken += ch.toLowerCase();
    i += ch.length;
  }
  return i;
}

/**
 * A window of about `width` characters around the first hit, cut at word boundaries, with
 * an ellipsis where text was left out; ranges are moved to the window's offsets.
 */
export function makeSnippet(
  text: string,
  terms: readonly HighlightTerm[],
  { width = 180, before = 50 }: { width?: number; before?: number } = {},
): { text: string; highlights: [number, number][] } {
  const hits = findHits(text, terms);
  const first = hits[0]?.[0] ?? 0;
  let start = Math.max(0, first - before);
  if (start > 0) {
    const space = text.lastIndexOf(" ", start);
    start = space >= 0 && first - space <= before + 20 ? space + 1 : start;
  }
  let end = Math.min(text.length, start + width);
  if (end < text.length) {
    const space = text.indexOf(" ", end);
    end = space >= 0 && space - end <= 20 ? space : end;
  }
  // Never split a surrogate pair at either end.
  if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start -= 1;
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end += 1;
  const lead = start > 0 ? "…" : "";
  const tail = end < text.length ? "…" : "";
  const body = text.slice(start, end);
  const highlights = hits
    .filter(([s, e]) => s >= start && e <= end)
    .map(([s, e]): [number, number] => [s - start + lead.length, e - start + lead.length]);
  return { text: lead + body + tail, highlights };
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
