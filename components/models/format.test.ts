// Endpoint statistics as the picker shows them. OpenRouter's `latency_last_30m` is in
// milliseconds and may be null (spec `PercentileStats`, shared/openrouter/openapi.yaml).
import { describe, expect, it } from "vitest";
import { formatLatency, formatThroughput } from "./format";

describe("formatLatency", () => {
  it("shows milliseconds below a second and tenths of a second above", () => {
    expect(formatLatency(480)).toBe("480 ms");
    expect(formatLatency(25.5)).toBe("26 ms");
    expect(formatLatency(999.4)).toBe("999 ms");
    expect(formatLatency(1000)).toBe("1 s");
    expect(formatLatency(1234)).toBe("1.2 s");
    expect(formatLatency(7560)).toBe("7.6 s");
  });

  it("shows a dash, never NaN, when there is no figure", () => {
    expect(formatLatency(null)).toBe("—");
    expect(formatLatency(Number.NaN)).toBe("—");
    expect(formatThroughput(null)).toBe("—");
  });
});
