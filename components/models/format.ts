// Display helpers for models. Client-safe.
import { perMillion } from "@/lib/money";
import type { ModelSummary } from "@/lib/openrouter/types";

/** "OpenAI: GPT-4o" → "GPT-4o" (the provider is shown separately). */
export function shortModelName(model: Pick<ModelSummary, "name" | "id"> | undefined, fallbackId = ""): string {
  if (!model) return fallbackId;
  const name = model.name.replace(/^[^:]{1,40}:\s+/, "").trim();
  return name || model.id;
}

/** 128000 → "128K", 1048576 → "1M". */
export function formatContextLength(tokens: number): string {
  if (!Number.isFinite(tokens) || tokens <= 0) return "—";
  if (tokens >= 1_000_000) return `${trim(tokens / 1_000_000)}M`;
  if (tokens >= 1_000) return `${trim(tokens / 1_000)}K`;
  return String(tokens);
}

function trim(n: number): string {
  return n >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10);
}

/** A router (`openrouter/auto`): the listing prices it "-1", as it bills the prices of the model it picks. */
export function isRouter(model: Pick<ModelSummary, "pricing">): boolean {
  return model.pricing.prompt.trim().startsWith("-");
}

export function supportsVision(model: ModelSummary): boolean {
  return model.inputModalities.includes("image");
}

/** USD-per-token catalog price → "$0.15" per million tokens; "varies" for routers (negative prices). */
export function pricePerMillion(usdPerToken: string | undefined): string {
  if (!usdPerToken) return "—";
  if (usdPerToken.trim().startsWith("-")) return "varies";
  try {
    return perMillion(usdPerToken);
  } catch {
    return "—";
  }
}

/** 99.54 → "99.5%"; null → "—". */
export function formatUptime(percent: number | null): string {
  return percent === null || !Number.isFinite(percent) ? "—" : `${Math.round(percent * 10) / 10}%`;
}

/**
 * Milliseconds to first token (OpenRouter's `latency_last_30m` is in ms, per its spec's
 * `PercentileStats`): 480 → "480 ms", 1234 → "1.2 s"; null (no recent data, or no key) → "—".
 */
export function formatLatency(milliseconds: number | null): string {
  if (milliseconds === null || !Number.isFinite(milliseconds) || milliseconds < 0) return "—";
  const ms = Math.round(milliseconds);
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

/** Tokens per second: 95.4 → "95 tok/s"; null → "—". */
export function formatThroughput(tokensPerSecond: number | null): string {
  return tokensPerSecond === null || !Number.isFinite(tokensPerSecond) ? "—" : `${Math.round(tokensPerSecond)} tok/s`;
}
