/**
 * Scripted behaviours for the local OpenRouter.
 *
 * A test picks what the "model" does by writing a directive anywhere in the text
 * of the LAST user message:
 *
 *     [[sb:NAME key=value key="value" key='value' ...]]
 *
 * Grammar (whitespace = spaces, tabs or newlines):
 *
 *     directive := "[[sb:" NAME ( ws+ PAIR )* ws* "]]"
 *     NAME      := [a-z][a-z0-9-]*
 *     PAIR      := KEY "=" VALUE
 *     KEY       := [A-Za-z_][A-Za-z0-9_.-]*
 *     VALUE     := BARE | DQUOTED | SQUOTED
 *     BARE      := one or more characters other than whitespace, `"`, `'` and `]`;
 *                  percent-decoded (decodeURIComponent), so `%20` is a space and `%5D` a `]`
 *     DQUOTED   := a JSON string literal: "...", with JSON escapes (\" \\ \n \t \u0041)
 *     SQUOTED   := '...' taken verbatim up to the next single quote (handy for JSON: args='{"a":1}')
 *
 * Only the first directive in the message counts. The directive's own text stays part of
 * the prompt (it is counted in prompt tokens like any other text); it is removed from the
 * text the default answer is derived from. Content may be a string or an array of parts:
 * the `text` parts are joined with "\n" and searched.
 *
 * A malformed directive (`[[sb:` without a parsable body) is ignored: the request gets the
 * default behaviour, as a real model would simply read the text.
 *
 * The names and keys understood are listed in README.md next to this file.
 */

export interface Directive {
  name: string;
  params: Record<string, string>;
  /** The exact source text of the directive, `[[sb:` through `]]`. */
  source: string;
}

const NAME_RE = /^[a-z][a-z0-9-]*/;
const KEY_RE = /^[A-Za-z_][A-Za-z0-9_.-]*/;

function isWs(ch: string | undefined): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\r";
}

/** Finds and parses the first directive in `text`; `null` when there is none (or it is malformed). */
export function parseDirective(text: string): Directive | null {
  let from = 0;
  for (;;) {
    const start = text.indexOf("[[sb:", from);
    if (start < 0) return null;
    const parsed = parseAt(text, start);
    if (parsed) return parsed;
    from = start + 5;
  }
}

function parseAt(text: string, start: number): Directive | null {
  let i = start + 5;
  const nameMatch = NAME_RE.exec(text.slice(i, i + 64));
  if (!nameMatch) return null;
  const name = nameMatch[0];
  i += name.length;
  const params: Record<string, string> = {};
  for (;;) {
    let sawWs = false;
    while (isWs(text[i])) {
      i++;
      sawWs = true;
    }
    if (text.startsWith("]]", i)) {
      i += 2;
      return { name, params, source: text.slice(start, i) };
    }
    if (!sawWs || i >= text.length) return null;
    const keyMatch = KEY_RE.exec(text.slice(i, i + 128));
    if (!keyMatch) return null;
    const key = keyMatch[0];
    i += key.length;
    if (text[i] !== "=") return null;
    i++;
    const q = text[i];
    if (q === '"') {
      // JSON string literal: scan to the closing unescaped quote.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (j >= text.length) return null;
      try {
        const v: unknown = JSON.parse(text.slice(i, j + 1));
        if (typeof v !== "string") return null;
        params[key] = v;
      } catch {
        return null;
      }
      i = j + 1;
    } else if (q === "'") {
      const j = text.indexOf("'", i + 1);
      if (j < 0) return null;
      params[key] = text.slice(i + 1, j);
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !isWs(text[j]) && text[j] !== "]" && text[j] !== '"' && text[j] !== "'") j++;
      if (j === i) return null;
      try {
        params[key] = decodeURIComponent(text.slice(i, j));
      } catch {
        params[key] = text.slice(i, j);
      }
      i = j;
    }
  }
}

/** Builds directive text from a name and params (always double-quoted values): handy in tests. */
export function directive(name: string, params: Record<string, string | number | boolean> = {}): string {
  const parts = Object.entries(params).map(([k, v]) => `${k}=${JSON.stringify(String(v))}`);
  return `[[sb:${[name, ...parts].join(" ")}]]`;
}

export function intParam(d: Directive | null, key: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = d?.params[key];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(n)));
}

export function numParam(d: Directive | null, key: string, fallback: number, min = 0, max = Number.MAX_VALUE): number {
  const raw = d?.params[key];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, n));
}
