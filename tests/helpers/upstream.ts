// Points this test process at a local OpenRouter over HTTP, exactly as production is pointed
// at openrouter.ai: call before anything reads the environment (getEnv caches it).
import { afterAll } from "vitest";
import { startLocalOpenRouter, type LocalOpenRouter } from "@/local-openrouter";

export const TEST_OPENROUTER_KEY = "sk-or-v1-unit-test-key-0123456789abcdef";

export async function useLocalOpenRouter(options: Parameters<typeof startLocalOpenRouter>[0] = {}): Promise<LocalOpenRouter> {
  const upstream = await startLocalOpenRouter({ apiKey: TEST_OPENROUTER_KEY, tokensPerSecond: 0, ...options });
  process.env.OPENROUTER_API_KEY = TEST_OPENROUTER_KEY;
  process.env.OPENROUTER_BASE_URL = upstream.baseURL;
  afterAll(() => upstream.close());
  return upstream;
}
