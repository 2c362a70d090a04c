import { describe, expect, it } from "vitest";
import { formatUsd, usdToNano, perMillion } from "./money";

describe("money", () => {
  it.each([
    ["0", 0n],
    ["0.000007765", 7765n],
    ["1", 1_000_000_000n],
    ["12.5", 12_500_000_000n],
    ["1.5e-7", 150n],
    ["2.775e-6", 2775n],
    ["0.0000000375", 38n],
    ["-0.000000001", -1n],
  ])("usdToNano(%s) = %s", (text, nano) => {
    expect(usdToNano(text)).toBe(nano);
  });

  it("reads a float cost from JSON without float error", () => {
    const costs = [0.000007765, 0.1 + 0.2, 1e-9, 0.000123456789];
    expect(costs.map((c) => usdToNano(c))).toEqual([7765n, 300000000n, 1n, 123457n]);
    // Summing many exact costs stays exact.
    const n = Array.from({ length: 1000 }, () => usdToNano(0.000007765)).reduce((a, b) => a + b, 0n);
    expect(n).toBe(7_765_000n);
  });

  it("formats for people", () => {
    expect(formatUsd(0n)).toBe("$0.00");
    expect(formatUsd(7765n)).toBe("$0.0000078");
    expect(formatUsd(12_345_678_901n)).toBe("$12.35");
    expect(formatUsd(45_000_000n)).toBe("$0.0450");
    expect(formatUsd(null)).toBe("—");
  });

  it("shows a per-token price per million tokens, exactly even past nine decimals", () => {
    expect(perMillion("0.00000015")).toBe("$0.1500");
    expect(perMillion("0.000015")).toBe("$15.00");
    // A listed price with ten decimals (google/gemini-flash-1.5-8b, 2025 listing): $0.0375, not $0.038.
    expect(perMillion("0.0000000375")).toBe("$0.0375");
    expect(perMillion("1.5e-7")).toBe("$0.1500");
    expect(perMillion("0")).toBe("$0.00");
    expect(perMillion(undefined)).toBe("—");
  });
});
