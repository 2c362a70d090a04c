import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import type { LocalOpenRouter } from "@/local-openrouter";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";

// The model list the browser loads (GET /api/models sends `getCatalog()` as it is) with a real-sized
// catalog: the local OpenRouter's, generated from a recorded listing of 321 models plus the 2026 subset.
// Prints its size raw and gzipped (Next compresses JSON responses), before and after the descriptions
// were cut to their start; asserts sizes only, never timing.

let upstream: LocalOpenRouter;
beforeAll(async () => {
  upstream = await useLocalOpenRouter();
});

const size = (value: unknown) => {
  const text = JSON.stringify(value);
  return { bytes: Buffer.byteLength(text), gzip: gzipSync(text).length };
};

describe("the model list the browser loads", () => {
  it("stays small with a few hundred models: descriptions are cut to their start", async () => {
    const { getCatalog, DESCRIPTION_CHARS } = await import("./catalog");
    const catalog = await getCatalog();
    expect(catalog.state).toBe("fresh");
    const listing = (await (await fetch(`${upstream.baseURL}/models`)).json()) as { data: { id: string; description: string }[] };
    expect(catalog.models.length).toBe(listing.data.length);
    expect(catalog.models.length).toBeGreaterThanOrEqual(300);

    // Before: the same summaries with the listing's whole descriptions (what /api/models sent until now).
    const full = new Map(listing.data.map((m) => [m.id, m.description]));
    const before = size({ ...catalog, models: catalog.models.map(({ aliasOf: _alias, ...m }) => ({ ...m, description: full.get(m.id) ?? "" })) });
    const after = size(catalog);
    const upstreamSize = size(listing);
    console.info(
      `model list, ${catalog.models.length} models: upstream /models ${upstreamSize.bytes} B (${upstreamSize.gzip} B gzipped); ` +
        `/api/models before ${before.bytes} B (${before.gzip} B gzipped), after ${after.bytes} B (${after.gzip} B gzipped), ` +
        `${Math.round(after.gzip / catalog.models.length)} B gzipped per model`,
    );
    for (const m of catalog.models) expect(m.description.length).toBeLessThanOrEqual(DESCRIPTION_CHARS + 1);
    expect(after.gzip).toBeLessThan(before.gzip * 0.75);
    expect(after.gzip / catalog.models.length).toBeLessThan(250);
  });
});
