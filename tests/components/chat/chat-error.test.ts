// The chat's error card words for the daily free-model cap: the reset time travels as ISO in the
// error's details (lib/openrouter/errors.ts) and is shown in the reader's own time.
import { describe, expect, it } from "vitest";
import { describeChatError, formatReset } from "@/components/chat/chat-error";

describe("the daily free cap in the chat's error card", () => {
  it("keeps the reset time of a streamed error", () => {
    const errorText = JSON.stringify({
      code: "rate_limited:free_daily",
      message: "The free-model requests for today are used up.",
      details: { resetsAt: "2026-12-08T00:00:00.000Z", limit: 50 },
    });
    expect(describeChatError(new Error(errorText))).toEqual({
      code: "rate_limited:free_daily",
      message: "The free-model requests for today are used up.",
      retryAfter: undefined,
      resetsAt: "2026-12-08T00:00:00.000Z",
    });
    const without = describeChatError(new Error(JSON.stringify({ code: "rate_limited:upstream", message: "Busy.", details: { resetsAt: "soon" } })));
    expect(without.resetsAt).toBeUndefined();
  });

  it("says the reset in local time, and which day when it is not today", () => {
    const reset = "2026-12-08T00:00:00.000Z";
    const at = new Date(reset);
    const time = at.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
    expect(formatReset(reset, new Date(at.getTime() - 60_000))).toMatch(new RegExp(`^at ${time}( today| on .+)$`));
    expect(formatReset(reset, new Date(at.getTime() - 3 * 24 * 3600_000))).toMatch(new RegExp(`^at ${time} on `));
    expect(formatReset(reset, at)).toBe(`at ${time} today`);
  });
});
