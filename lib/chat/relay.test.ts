import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppError } from "@/lib/errors";
import { stallWatchdog } from "./relay";

describe("stallWatchdog", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const start = () => {
    const stalls: AppError[] = [];
    const watchdog = stallWatchdog({ timeoutMs: 1000, keepAliveTimeoutMs: 5000 }, (error) => stalls.push(error));
    watchdog.arm();
    return { watchdog, stalls };
  };

  it("stops an upstream that sends nothing at all after the short timeout", () => {
    const { stalls } = start();
    vi.advanceTimersByTime(999);
    expect(stalls).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(stalls.map((e) => e.message)).toEqual(["The model sent nothing for 1 s, so the answer was stopped. Try again."]);
  });

  it("keep-alive bytes keep it alive past the short timeout, until the keep-alive ceiling", () => {
    const { watchdog, stalls } = start();
    for (let t = 0; t < 4500; t += 500) {
      vi.advanceTimersByTime(500);
      watchdog.bytes();
    }
    expect(stalls).toHaveLength(0);
    vi.advanceTimersByTime(500);
    expect(stalls).toHaveLength(1);
    expect(stalls[0]!.code).toBe("timeout:upstream");
    expect(stalls[0]!.message).toMatch(/^The model kept thinking for 5 s without sending any of its answer/);
  });

  it("parsed chunks reset both limits; clear stops it for good", () => {
    const { watchdog, stalls } = start();
    for (let t = 0; t < 20_000; t += 500) {
      vi.advanceTimersByTime(500);
      watchdog.arm();
    }
    expect(stalls).toHaveLength(0);
    watchdog.clear();
    vi.advanceTimersByTime(60_000);
    expect(stalls).toHaveLength(0);
  });
});
