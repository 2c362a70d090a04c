import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The recorded OpenRouter responses (tests/fixtures/openrouter-recorded/), for the tests that replay
// them. Which files exist, and of which kind, is index.json's to say.

export const RECORDED_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/openrouter-recorded");

type IndexEntry = { file: string; kind: string };

export function readRecorded(file: string): string {
  return readFileSync(path.join(RECORDED_DIR, file), "utf8");
}

/**
 * The raw recorded streams (kind `sse`), in index.json's order, each with its body;
 * `captured` leaves out the documentation examples (`*.doc.*`), which are written, not captured.
 */
export function recordedStreams(options: { captured?: boolean } = {}): { file: string; body: string }[] {
  const index = JSON.parse(readRecorded("index.json")) as { files: IndexEntry[] };
  return index.files
    .filter((e) => e.kind === "sse" && !(options.captured && e.file.includes(".doc.")))
    .map((e) => ({ file: e.file, body: readRecorded(e.file) }));
}
