import { describe, expect, it } from "vitest";
import { calculate } from "./calculator";
import { currentTime } from "./current-time";

describe("built-in tools", () => {
  it("calculates exactly", async () => {
    expect((await calculate("0.1 + 0.2")).result).toBe("0.3");
    expect((await calculate("2 + 3 * 4")).result).toBe("14");
    expect((await calculate("10 / 4")).result).toBe("2.5");
    expect((await calculate("2^100")).result).toBe("1267650600228229401496703205376");
    expect((await calculate("1 / 3")).result).toBe("0.3333333333333333333333333333333333333333333333333333333333333333");
  });

  it("refuses what is not arithmetic, and results too long to hand back", async () => {
    await expect(calculate("import({})")).rejects.toThrow(/import is disabled/);
    await expect(calculate("createUnit('x')")).rejects.toThrow(/createUnit is disabled/);
    await expect(calculate("1 +")).rejects.toThrow();
    await expect(calculate("ones(100,100)")).rejects.toThrow(/The result is too long/);
  });

  it("tells the time in a zone and refuses unknown zones", () => {
    const at = new Date("2026-11-24T12:00:00Z");
    expect(currentTime("Asia/Tokyo", at).formatted).toContain("21:00:00");
    expect(() => currentTime("Mars/Olympus", at)).toThrow(/Unknown time zone/);
  });
});
