/**
 * Deterministic text for the local OpenRouter's answers: the default answer, filler text of an
 * exact token count, reasoning text, and a small PNG for image-output models.
 * Every filler word is at most 7 characters, so with its leading space and an optional
 * trailing punctuation mark it is exactly one token (see tokenizer.ts).
 */
import { deflateSync } from "node:zlib";

/** FNV-1a 32-bit hash: a small deterministic seed from any text. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const WORDS = [
  "the",
  "signal",
  "moves",
  "through",
  "quiet",
  "relays",
  "and",
  "every",
  "message",
  "finds",
  "its",
  "route",
  "across",
  "a",
  "switch",
  "board",
  "where",
  "careful",
  "hands",
  "connect",
  "distant",
  "voices",
  "while",
  "lamps",
  "blink",
  "softly",
  "in",
  "order",
  "so",
  "that",
  "nothing",
  "is",
  "lost",
  "between",
  "callers",
  "who",
  "wait",
  "patient",
  "for",
  "answers",
  "from",
  "models",
  "far",
  "away",
  "tokens",
  "flow",
  "like",
  "water",
  "over",
  "stones",
  "steady",
  "clear",
  "bright",
  "again",
];

const REASONING_WORDS = [
  "first",
  "ponder",
  "what",
  "the",
  "user",
  "asks",
  "then",
  "check",
  "each",
  "fact",
  "weigh",
  "options",
  "note",
  "edge",
  "cases",
  "recall",
  "prior",
  "context",
  "so",
  "draft",
  "a",
  "short",
  "plan",
  "verify",
  "it",
  "and",
  "answer",
  "plainly",
  "with",
  "care",
  "step",
  "by",
];

function generate(pool: readonly string[], n: number, seed: number, paragraphEvery = 0): string {
  const out: string[] = [];
  let sentenceStart = true;
  let inSentence = 0;
  let sentences = 0;
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    let w = pool[s % pool.length];
    if (sentenceStart) w = w[0].toUpperCase() + w.slice(1);
    inSentence++;
    const last = i === n - 1;
    const endSentence = last || inSentence >= 9 + (s >>> 28);
    if (endSentence) {
      w += ".";
      inSentence = 0;
      sentences++;
    }
    let sep = i === 0 ? "" : " ";
    if (i > 0 && sentenceStart && paragraphEvery > 0 && sentences > 0 && sentences % paragraphEvery === 0) sep = "\n\n";
    out.push(sep + w);
    sentenceStart = endSentence;
  }
  return out.join("");
}

/** Plain prose of exactly `n` tokens, deterministic from `seed`. */
export function fillerText(n: number, seed: number): string {
  return generate(WORDS, n, seed);
}

/** Prose of exactly `n` tokens in paragraphs (used by `long`). */
export function longText(n: number, seed: number): string {
  return generate(WORDS, n, seed, 4);
}

/** Reasoning prose of exactly `n` tokens. */
export function reasoningText(n: number, seed: number): string {
  return generate(REASONING_WORDS, n, seed);
}

const CLOSERS = [
  "In short, the idea is simple once the pieces are laid out in order.",
  "Let me know if you want more detail on any part of it.",
  "The key point is to keep each step small and check it before moving on.",
  "A quick example usually makes this clearer than a long explanation.",
  "There are a few trade-offs, but the common case is straightforward.",
  "If anything is unclear, ask and I will go through it again.",
];

/** The default answer: a few sentences, deterministic from the prompt text. */
export function defaultAnswer(prompt: string, modelName: string): string {
  const words = prompt.replace(/\s+/g, " ").trim().split(" ").filter(Boolean);
  const topic = words.slice(0, 8).join(" ") + (words.length > 8 ? "…" : "");
  const h = hash32(prompt);
  const a = CLOSERS[h % CLOSERS.length];
  const b = CLOSERS[(h >>> 8) % CLOSERS.length];
  const lead = topic ? `You asked about "${topic}".` : "You sent an empty message.";
  return `${lead} This is ${modelName}, answering from the local OpenRouter server. ${a}${b === a ? "" : ` ${b}`}`;
}

// ---------------------------------------------------------------------------------------------
// A tiny PNG (solid colour, 16×16) for models whose output modalities include `image`.
// ---------------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A 16×16 PNG in a colour derived from `seed`, as a `data:image/png;base64,` URL. */
export function pngDataUrl(seed: number): string {
  const size = 16;
  const [r, g, b] = [(seed >>> 16) & 0xff, (seed >>> 8) & 0xff, seed & 0xff];
  const raw = Buffer.alloc((size * 3 + 1) * size);
  for (let y = 0; y < size; y++) {
    const row = y * (size * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < size; x++) {
      raw[row + 1 + x * 3] = r;
      raw[row + 2 + x * 3] = g;
      raw[row + 3 + x * 3] = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(raw)),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
  return `data:image/png;base64,${png.toString("base64")}`;
}
