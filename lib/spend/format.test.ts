import { describe, expect, it } from "vitest";
import { nanoToUsdInput, nanoToUsdText, parseUsdInput } from "./format";
import { limitsOf, monthStartUtc, nextMonthStartUtc } from "./period";
import { rangeFromQuery } from "./range";
import { adminUserPatchSchema, nanoString, spendQuerySchema } from "./schemas";
import { toWire } from "./types";

describe("money text", () => {
  it("round-trips dollars typed by people exactly", () => {
    expect(parseUsdInput("12.5")).toBe(12_500_000_000n);
    expect(parseUsdInput("$0.000000001")).toBe(1n);
    expect(nanoToUsdInput(12_500_000_000n)).toBe("12.5");
    expect(nanoToUsdInput("10000000000")).toBe("10");
    expect(nanoToUsdInput(0n)).toBe("0");
    expect(nanoToUsdText(-1n)).toBe("-0.000000001");
    for (const bad of ["", "abc", "1e3", "-1", "0.0000000001", "1,5"]) expect(() => parseUsdInput(bad)).toThrow();
  });
});

describe("limits and periods", () => {
  it("the effective limit is min(admin, personal), the default standing in for the admin's", () => {
    expect(limitsOf({ monthlyBudgetNano: 10n, personalLimitNano: 5n }, null).limitNano).toBe(5n);
    expect(limitsOf({ monthlyBudgetNano: 10n, personalLimitNano: 50n }, null).limitNano).toBe(10n);
    expect(limitsOf({ monthlyBudgetNano: null, personalLimitNano: null }, 7n)).toMatchObject({ limitNano: 7n, adminBudgetIsDefault: true });
    expect(limitsOf({ monthlyBudgetNano: null, personalLimitNano: 3n }, 7n).limitNano).toBe(3n);
    expect(limitsOf({ monthlyBudgetNano: null, personalLimitNano: 3n }, null).limitNano).toBe(3n);
    expect(limitsOf({ monthlyBudgetNano: null, personalLimitNano: null }, null).limitNano).toBeNull();
  });

  it("months are UTC and reset on the first", () => {
    const late = new Date("2026-12-31T23:59:59.999Z");
    expect(monthStartUtc(late).toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(nextMonthStartUtc(late).toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });

  it("ranges are whole UTC days, both ends inclusive", () => {
    const now = new Date("2026-11-24T10:00:00Z");
    expect(rangeFromQuery({}, { now })).toEqual({ from: new Date("2026-10-26T00:00:00Z"), to: new Date("2026-11-25T00:00:00Z") });
    expect(rangeFromQuery({ from: "2026-11-01", to: "2026-11-01" })).toEqual({
      from: new Date("2026-11-01T00:00:00Z"),
      to: new Date("2026-11-02T00:00:00Z"),
    });
    expect(() => rangeFromQuery({ from: "2026-11-02", to: "2026-11-01" })).toThrow(/after/);
    expect(spendQuerySchema.safeParse({ from: "2026-02-30" }).success).toBe(false);
    expect(spendQuerySchema.safeParse({ groupBy: "user" }).success).toBe(false);
    expect(spendQuerySchema.parse({}).groupBy).toBe("day");
  });
});

describe("wire", () => {
  it("nano-USD travels as decimal strings, never numbers", () => {
    expect(nanoString.parse("9223372036854775807")).toBe(9_223_372_036_854_775_807n);
    expect(nanoString.safeParse("9223372036854775808").success).toBe(false);
    expect(nanoString.safeParse(5).success).toBe(false);
    expect(nanoString.safeParse("1.5").success).toBe(false);
    expect(adminUserPatchSchema.safeParse({}).success).toBe(false);
    expect(toWire({ a: 12_345_678_901_234_567n, d: new Date(0) })).toEqual({ a: "12345678901234567", d: "1970-01-01T00:00:00.000Z" });
  });
});
