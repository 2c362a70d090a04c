import { describe, expect, it } from "vitest";
import type { ApiCaller } from "@/lib/api-keys/authenticate";
import { getEnv } from "@/lib/env";
import { limitsOf } from "./limits";

const caller = (requestsPerMinute: number | null, tokensPerMinute: number | null): ApiCaller => ({
  userId: "u",
  lastUsedAt: null,
  key: { id: "k", name: "k", allowedModels: [], monthlyCapNano: null, requestsPerMinute, tokensPerMinute, keepLog: false },
});

describe("a key's rate limits", () => {
  it("are the instance's unless the key set lower ones; a key's owner can never lift them", () => {
    const env = getEnv();
    expect(limitsOf(caller(null, null))).toEqual({
      requests: env.SWITCHBOARD_API_REQUESTS_PER_MINUTE,
      tokens: env.SWITCHBOARD_API_TOKENS_PER_MINUTE,
    });
    expect(limitsOf(caller(5, 100))).toEqual({ requests: 5, tokens: 100 });
    expect(limitsOf(caller(1_000_000, 1_000_000_000))).toEqual({
      requests: env.SWITCHBOARD_API_REQUESTS_PER_MINUTE,
      tokens: env.SWITCHBOARD_API_TOKENS_PER_MINUTE,
    });
  });
});
