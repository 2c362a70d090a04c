// The bad-input corpus: for every API route that reads a body, a query string or an id from its
// path, requests that differ from an accepted one by exactly one defect. Each must get a 4xx JSON
// error with a stable `code` (never a 500) and change nothing in the database.
import http from "node:http";
import type { Role } from "./route-matrix";

export type Field =
  | { kind: "id" }
  | { kind: "string"; max: number; min?: number }
  /** Free text without a length limit of its own. */
  | { kind: "text" }
  | { kind: "email" }
  | { kind: "model" }
  | { kind: "number"; min: number; max: number; int?: boolean }
  | { kind: "boolean" }
  | { kind: "nano" }
  | { kind: "date" }
  | { kind: "datetime" }
  | { kind: "enum"; values: readonly string[] }
  | { kind: "array"; max: number }
  | { kind: "object" };

export type FieldSpec = Field & {
  /** Removing it must be refused. */
  required?: boolean;
  /** null is a valid value (so not a wrong type). */
  nullable?: boolean;
};

export type Case = {
  name: string;
  method: string;
  path: string;
  /** Raw body (already serialised), or undefined for none. */
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Sent through a raw socket: declare this content length, or stream this many bytes chunked. */
  raw?: { declaredLength?: number; chunkedBytes?: number };
  /** Statuses allowed (default: 400, 404, 413). */
  expect?: readonly number[];
  /** A known, reported defect: the case is expected to fail until it is fixed. */
  knownBug?: string;
};

export type CorpusWorld = {
  /** The owner's conversation (an exchange). */
  conversationId: string;
  /** The question and the answer of that exchange. */
  questionId: string;
  answerId: string;
  /** The owner's conversation the DELETE control removes. */
  disposableId: string;
  /** The owner's deleted conversation the restore control brings back. */
  deletedId: string;
  victimUserId: string;
  ownerId: string;
  /** The owner's uploaded file. */
  attachmentId: string;
  /** The owner's personal API key (its whole value) and its id; a second key the revoke control revokes. */
  apiKey: string;
  apiKeyId: string;
  /** A settled generation of an API call the owner made with that key. */
  apiGenerationId: string;
  disposableApiKeyId: string;
  /** An owner's key the admin's revoke control revokes. */
  adminRevocableApiKeyId: string;
  /** A model alias; a second one the delete control removes. */
  aliasName: string;
  disposableAliasName: string;
  /** The owner's own MCP server and a team one, each with a second the delete controls remove. */
  ownMcpServerId: string;
  disposableOwnMcpServerId: string;
  teamMcpServerId: string;
  disposableTeamMcpServerId: string;
};

export type CorpusEntry = {
  /** Who sends the cases. */
  role: Role;
  /** The accepted request every case is one defect away from; sent last, it must succeed. */
  control: (w: CorpusWorld) => {
    path: string;
    json?: unknown;
    /** A raw body (uploads), sent with `headers`. */
    body?: Buffer;
    headers?: Record<string, string>;
    status: number | readonly number[];
  };
  /** Body fields by dotted path (`message.parts.0.text`). */
  body?: Record<string, FieldSpec>;
  /** Largest accepted body in bytes. */
  maxBytes?: number;
  /** Query parameters (the control's query is the base). */
  query?: Record<string, FieldSpec>;
  /** The query schema refuses unknown parameters. */
  strictQuery?: boolean;
  /** Cases of its own. */
  extra?: (w: CorpusWorld) => Case[];
  /** Headers every case and the control carry (the API gateway's `Authorization: Bearer`). */
  headers?: (w: CorpusWorld) => Record<string, string>;
};

export const DEFAULT_STATUSES = [400, 404, 413] as const;

/** lib/http MAX_REQUEST_BYTES: the proxy's cap on a declared body size. */
export const MAX_DECLARED = 51 * 1024 * 1024;
/** experimental.proxyClientMaxBodySize in next.config.mjs (Next's default, 10 MiB, would truncate imports). */
export const NEXT_PROXY_BODY_LIMIT = MAX_DECLARED;

/** A path segment for an id, percent-encoded; a lone surrogate (which no URL can carry) as its UTF-8 bytes. */
export function encodeSegment(id: string): string {
  try {
    return encodeURIComponent(id);
  } catch {
    return id
      .split(/([\ud800-\udfff])/)
      .map((part) => (/^[\ud800-\udfff]$/.test(part) ? "%ED%A0%80" : encodeURIComponent(part)))
      .join("");
  }
}

// ---- values ---------------------------------------------------------------------------------

export const BAD_IDS: Record<string, string> = {
  "path traversal": "../../etc/passwd",
  "encoded traversal": "..%2F..%2Fetc%2Fpasswd",
  "10 KB id": "a".repeat(10_240),
  "SQL injection": "' OR '1'='1",
  "SQL statement": `x'); DROP TABLE "Message"; --`,
  NUL: "abcdefgh\u0000ij",
  "lone surrogate": "abcdefgh\ud800",
  "RTL override": "abcdefgh\u202Eij",
  "too short": "abc",
  empty: "",
  spaces: "abc defgh ij",
  "unicode letters": "ábcdéfghij",
  JSON: '{"$ne":null}',
};

/** A well-formed id nobody has. */
export const UNKNOWN_ID = "zzzzzzzzzzzzzzzzzzzz";

const LONE = ["\ud800", "x\udfff"];

function wrongTypes(field: FieldSpec): unknown[] {
  const all: unknown[] = [42, true, {}, [], "text", { $gt: "" }];
  const keep = (v: unknown) => {
    switch (field.kind) {
      case "number":
        return typeof v !== "number";
      case "boolean":
        return typeof v !== "boolean";
      case "array":
        return !Array.isArray(v);
      case "object":
        return typeof v !== "object" || Array.isArray(v);
      default:
        return typeof v !== "string";
    }
  };
  return [...all.filter(keep), ...(field.nullable ? [] : [null])];
}

function badValues(field: FieldSpec): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  wrongTypes(field).forEach((v, i) => (values[`wrong type #${i} ${JSON.stringify(v)}`] = v));
  switch (field.kind) {
    case "id":
      for (const [name, id] of Object.entries(BAD_IDS)) values[`id: ${name}`] = id;
      break;
    case "text":
      values["NUL"] = "a\u0000b";
      LONE.forEach((s, i) => (values[`lone surrogate #${i}`] = s));
      break;
    case "string":
      values["overlong"] = "x".repeat(field.max + 1);
      if (field.min) values["too short"] = "x".repeat(Math.max(0, field.min - 1));
      values["NUL"] = "a\u0000b".padEnd(Math.max(3, field.min ?? 0), "c");
      LONE.forEach((s, i) => (values[`lone surrogate #${i}`] = `${s}`.padEnd(Math.max(2, field.min ?? 0), "c")));
      break;
    case "email":
      values["not an email"] = "not-an-email";
      values["no domain"] = "a@";
      values["overlong"] = `${"a".repeat(250)}@example.com`;
      values["NUL"] = "a\u0000@example.com";
      values["markup"] = "<script>alert(1)</script>@example.com";
      break;
    case "model":
      values["unknown model"] = "nobody/nothing-9000";
      values["traversal"] = "../../etc/passwd";
      values["overlong"] = `openai/${"x".repeat(250)}`;
      values["empty"] = "";
      values["NUL"] = "openai/gpt-4o-mini\u0000";
      values["lone surrogate"] = "openai/\ud800";
      break;
    case "number":
      values["below min"] = field.min - 1;
      values["above max"] = field.max + 1;
      values["negative huge"] = -1e308;
      values["huge"] = 1e308;
      if (field.int) values["fraction"] = field.min + 0.5;
      if (field.int) values["beyond 2^53"] = 2 ** 53 + 2;
      break;
    case "nano":
      values["negative"] = "-1";
      values["fraction"] = "1.5";
      values["exponent"] = "1e9";
      values["20 digits"] = "99999999999999999999";
      values["2^63"] = "9223372036854775808";
      values["a number"] = 5;
      values["empty"] = "";
      values["spaces"] = " 1 ";
      break;
    case "date":
      values["30 February"] = "2024-02-30";
      values["zeros"] = "0000-00-00";
      values["nines"] = "9999-99-99";
      values["short"] = "2024-1-1";
      values["words"] = "yesterday";
      values["with time"] = "2024-01-01T00:00:00Z";
      values["SQL"] = "2024-01-01' OR '1'='1";
      break;
    case "datetime":
      values["no zone"] = "2024-01-01 00:00";
      values["words"] = "yesterday";
      values["30 February"] = "2024-02-30T00:00:00Z";
      break;
    case "enum":
      values["not listed"] = "nope";
      values["empty"] = "";
      values["case"] = String(field.values[0]).toUpperCase();
      values["NUL"] = `${field.values[0]}\u0000`;
      break;
    case "array":
      values["too many"] = Array.from({ length: field.max + 1 }, () => "openai/gpt-4o-mini");
      break;
    case "object":
      break;
  }
  return values;
}

// ---- case generation ------------------------------------------------------------------------

function setPath(target: Record<string, unknown>, dotted: string, value: unknown | typeof REMOVE): void {
  const keys = dotted.split(".");
  let node: Record<string, unknown> | unknown[] = target;
  for (const key of keys.slice(0, -1)) {
    const next = (node as Record<string, unknown>)[key];
    if (next === undefined || next === null || typeof next !== "object") (node as Record<string, unknown>)[key] = {};
    node = (node as Record<string, unknown>)[key] as Record<string, unknown>;
  }
  const last = keys.at(-1)!;
  if (value === REMOVE) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete (node as Record<string, unknown>)[last];
  } else {
    (node as Record<string, unknown>)[last] = value;
  }
}

const REMOVE = Symbol("remove");

function withField(base: unknown, dotted: string, value: unknown | typeof REMOVE): Record<string, unknown> {
  const copy = structuredClone(base) as Record<string, unknown>;
  setPath(copy, dotted, value);
  return copy;
}

const json = { "content-type": "application/json" };

/** Every case of one corpus entry. */
export function casesFor(key: string, entry: CorpusEntry, w: CorpusWorld): Case[] {
  const method = key.split(" ")[0];
  const control = entry.control(w);
  const cases: Case[] = [];
  const [pathOnly, search = ""] = control.path.split("?");

  if (entry.body) {
    const path = control.path;
    const send = (name: string, body: string | Buffer, extra: Partial<Case> = {}) =>
      cases.push({ name, method, path, body, headers: json, ...extra });
    // Not JSON at all.
    for (const [name, body] of Object.entries({
      "empty body": "",
      "truncated object": "{",
      "truncated member": '{"a":',
      "unclosed array": "[1,2",
      "bare word": "nul",
      "single quotes": "{'a':1}",
      "trailing garbage": "{}}",
      "byte order mark": "\ufeff{}",
      "raw NUL in a string": '{"a":"x\u0000y"}',
      comment: "{/* hi */}",
    }))
      send(`malformed JSON: ${name}`, body);
    send("invalid UTF-8", Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
    send("UTF-8 encoded surrogate", Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]));
    for (const [name, body] of Object.entries({ null: "null", array: "[]", number: "42", string: '"text"', boolean: "true" })) {
      send(`JSON ${name} instead of an object`, body);
    }
    send("nested 10,000 deep", JSON.stringify(withField(control.json, "__deep", 0)).replace("0", "[".repeat(10_000) + "]".repeat(10_000)));
    send("nested 100 deep", JSON.stringify(withField(control.json, "__deep", 0)).replace("0", "[".repeat(100) + "]".repeat(100)));
    send("NUL in a key", JSON.stringify(withField(control.json, "a\u0000b", 1)));
    if (entry.maxBytes) {
      const padded = JSON.stringify(control.json).replace(/^\{/, `{"__pad":"${"x".repeat(entry.maxBytes)}",`);
      // Next buffers a body through the proxy up to NEXT_PROXY_BODY_LIMIT; every route limit is below it.
      if (entry.maxBytes + 65_536 > NEXT_PROXY_BODY_LIMIT) throw new Error(`${key}: maxBytes beyond the proxy's body limit`);
      send(`body over ${entry.maxBytes} bytes`, padded, { expect: [413] });
      cases.push({ name: "chunked body over the limit", method, path, headers: json, raw: { chunkedBytes: entry.maxBytes + 65_536 }, expect: [413] });
    }
    // A body larger than any route accepts is refused by the proxy from its declared size (Next has
    // buffered — and truncated — it by then, so without that the route would see broken JSON).
    if (entry.maxBytes && entry.maxBytes >= NEXT_PROXY_BODY_LIMIT) {
      cases.push({ name: "a body beyond any route's limit", method, path, headers: json, raw: { declaredLength: MAX_DECLARED + 1 }, expect: [413] });
    }
    for (const [field, spec] of Object.entries(entry.body)) {
      if (spec.required) send(`missing ${field}`, JSON.stringify(withField(control.json, field, REMOVE)));
      for (const [name, value] of Object.entries(badValues(spec))) {
        send(`${field}: ${name}`, JSON.stringify(withField(control.json, field, value)));
      }
      if (spec.kind === "number") {
        // JSON.parse reads 1e400 as Infinity, which JSON.stringify cannot even write.
        send(`${field}: 1e400`, JSON.stringify(withField(control.json, field, "__INF__")).replace('"__INF__"', "1e400"));
      }
    }
  }

  if (entry.query) {
    const base = new URLSearchParams(search);
    const send = (name: string, params: URLSearchParams, extra: Partial<Case> = {}) =>
      cases.push({ name, method, path: `${pathOnly}?${params.toString()}`, ...extra });
    for (const [field, spec] of Object.entries(entry.query)) {
      for (const [name, value] of Object.entries(badValues(spec))) {
        if (typeof value !== "string" && typeof value !== "number") continue;
        // A query string is text: a "wrong type" is only wrong for numbers, and a lone surrogate
        // cannot even be sent (URL encoding turns it into U+FFFD).
        if (name.startsWith("wrong type") && spec.kind !== "number") continue;
        if (name.startsWith("lone surrogate")) continue;
        const params = new URLSearchParams(base);
        params.set(field, String(value));
        send(`?${field}: ${name}`, params);
      }
    }
    if (entry.strictQuery) {
      const params = new URLSearchParams(base);
      params.set("unknownParameter", "1");
      send("an unknown query parameter", params);
    }
    // Percent-encoding that is not UTF-8, for each parameter that is not free text.
    for (const [field, spec] of Object.entries(entry.query)) {
      if (spec.kind === "string") continue;
      const params = new URLSearchParams(base);
      params.delete(field);
      const rest = params.toString();
      cases.push({ name: `?${field}: invalid percent-encoding`, method, path: `${pathOnly}?${rest}${rest ? "&" : ""}${field}=%ff%fe` });
    }
  }

  const real = [
    w.conversationId,
    w.disposableId,
    w.deletedId,
    w.victimUserId,
    w.attachmentId,
    w.apiKeyId,
    w.disposableApiKeyId,
    w.adminRevocableApiKeyId,
    w.aliasName,
    w.disposableAliasName,
    w.ownMcpServerId,
    w.disposableOwnMcpServerId,
    w.teamMcpServerId,
    w.disposableTeamMcpServerId,
  ].find((id) => id && pathOnly.includes(id));
  if (real) {
    const body = control.json === undefined ? undefined : JSON.stringify(control.json);
    const headers = body === undefined ? undefined : json;
    for (const [name, id] of Object.entries({ ...BAD_IDS, "unknown id": UNKNOWN_ID })) {
      if (id === "") continue;
      const encoded = name === "encoded traversal" ? id : encodeSegment(id);
      cases.push({ name: `path id: ${name}`, method, path: control.path.replace(real, encoded), body, headers });
    }
  }

  cases.push(...(entry.extra?.(w) ?? []));
  return cases;
}

// ---- raw requests ---------------------------------------------------------------------------

/**
 * A request whose body is too large to send sensibly: either only headers declaring a huge
 * Content-Length, or a chunked body streamed until the server answers (or `chunkedBytes` are out).
 */
export function rawRequest(baseURL: string, c: Case, cookie: string): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  const url = new URL(c.path, baseURL);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...c.headers, cookie };
    if (c.raw?.declaredLength !== undefined) headers["content-length"] = c.raw.declaredLength;
    else headers["transfer-encoding"] = "chunked";
    const req = http.request(url, { method: c.method, headers });
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, text: Buffer.concat(chunks).toString("utf8") });
        req.destroy();
      });
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    req.setTimeout(60_000, () => req.destroy(new Error("raw request timed out")));
    if (c.raw?.declaredLength !== undefined) {
      // The whole declared body (Next reads it all before anything answers).
      const total = c.raw.declaredLength;
      const chunk = Buffer.alloc(1024 * 1024, "x");
      let sent = 0;
      req.write('{"a":"');
      sent += 6;
      const pumpAll = () => {
        while (!answered && sent < total - 2) {
          const piece = chunk.subarray(0, Math.min(chunk.length, total - 2 - sent));
          sent += piece.length;
          if (!req.write(piece)) {
            req.once("drain", pumpAll);
            return;
          }
        }
        if (!answered) req.end('"}');
      };
      pumpAll();
      return;
    }
    const chunk = Buffer.alloc(64 * 1024, "x");
    let sent = 0;
    req.write('{"a":"');
    const pump = () => {
      while (!answered && sent < (c.raw?.chunkedBytes ?? 0)) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!answered) req.end('"}');
    };
    pump();
  });
}

// ---- server actions -------------------------------------------------------------------------

/**
 * A server action's corpus. Next serves an action as a POST to a page that renders it, with a
 * `Next-Action` header naming it; its arguments are the body, React's reply encoding, which for
 * plain values is a JSON array (`["a","b"]`).
 */
export type ActionCorpusEntry = {
  /** Who sends the cases; "fresh": a new signed-in user for each (the action ends the session). */
  role: Role | "fresh";
  /** The page the action is posted to. */
  page: (w: CorpusWorld) => string;
  /** The arguments of an accepted call (none: the action takes none). */
  control?: (w: CorpusWorld) => unknown[];
  /** Each argument's field, by position. */
  args?: FieldSpec[];
};

export type ActionCase = {
  name: string;
  body: string | Buffer;
  /**
   * The action runs and must refuse: its answer carries a 4xx error code. Otherwise the body is one
   * the action never sees (Next decodes it first) and only a 5xx is wrong.
   */
  refused: boolean;
};

/** Every case of one action's corpus. */
export function actionCasesFor(entry: ActionCorpusEntry, w: CorpusWorld): ActionCase[] {
  const cases: ActionCase[] = [];
  const control = entry.control?.(w) ?? [];
  // Bodies Next would fail to decode (a bare 500) are refused by the proxy first (lib/http/action-body.ts).
  const malformed: [string, string | Buffer][] = [
    ["empty body", ""],
    ["truncated array", "["],
    ["unclosed array", '["a",'],
    ["bare word", "nul"],
    ["single quotes", "['a']"],
    ["trailing garbage", "[]]"],
    ["JSON object instead of the arguments", "{}"],
    ["JSON string instead of the arguments", '"text"'],
    ["JSON number instead of the arguments", "42"],
    ["JSON null instead of the arguments", "null"],
    ["nested 10,000 deep", JSON.stringify([...control, 0]).replace(/0\]$/, `${"[".repeat(10_000)}${"]".repeat(10_000)}]`)],
    ["invalid UTF-8", Buffer.from([0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d])],
  ];
  for (const [name, body] of malformed) {
    cases.push({ name: `malformed: ${name}`, body, refused: false });
  }
  // React's reply encoding reads "$…" strings as references to other parts of the reply.
  const encoded: [string, string][] = [
    ["a reference to a part that is not there", "$1"],
    ["a promise reference", "$@1"],
    ["a form data reference", "$K1"],
    ["a server reference", "$F1"],
    ["an invalid date", "$D2024-99-99"],
    ["a huge bigint", `$n${"9".repeat(1000)}`],
    ["an infinite number", "$Infinity"],
  ];
  for (const [name, value] of encoded) {
    const args = control.length > 0 ? control.map((v, i) => (i === 0 ? value : v)) : [value];
    cases.push({ name: `reply encoding: ${name}`, body: JSON.stringify(args), refused: false });
  }
  if (!entry.args) return cases;
  cases.push({ name: "no arguments", body: "[]", refused: true });
  entry.args.forEach((spec, index) => {
    if (spec.required) cases.push({ name: `argument ${index} missing`, body: JSON.stringify(control.slice(0, index)), refused: true });
    for (const [name, value] of Object.entries(badValues(spec))) {
      const args = control.map((v, i) => (i === index ? value : v));
      cases.push({ name: `argument ${index}: ${name}`, body: JSON.stringify(args), refused: true });
    }
    if (spec.kind === "id") {
      const args = control.map((v, i) => (i === index ? UNKNOWN_ID : v));
      cases.push({ name: `argument ${index}: unknown id`, body: JSON.stringify(args), refused: true });
    }
  });
  return cases;
}
