import "server-only";
import type { ProviderMetadata } from "ai";
import type { ChatUIMessage } from "@/lib/chat/types";

// Reasoning details (signatures, encrypted reasoning) must go back to the upstream as received,
// across tool steps and turns, or providers refuse the request (local-openrouter/reasoning.ts has the
// errors and their sources). @openrouter/ai-sdk-provider attaches them to a step's reasoning part and
// to its first tool call, from where the saved answer gives them back. A step whose reasoning came
// only encrypted (x-ai/grok-4 and openai/o3 stream no reasoning text: tests/fixtures/openrouter-recorded)
// has no reasoning part: its details would be lost with the answer.

type Part = ChatUIMessage["parts"][number];
type Json = ProviderMetadata[string][string];
export type ReasoningDetail = { [key: string]: Json | undefined };

/** The `reasoning_details` the provider reported for one step (`step.providerMetadata.openrouter`). */
export function stepReasoningDetails(providerMetadata: ProviderMetadata | undefined): ReasoningDetail[] {
  const details = providerMetadata?.openrouter?.reasoning_details;
  return Array.isArray(details) ? details.filter((d): d is ReasoningDetail => typeof d === "object" && d !== null && !Array.isArray(d)) : [];
}

function carriesDetails(part: Part): boolean {
  const metadata = part.type === "reasoning" ? part.providerMetadata : "callProviderMetadata" in part ? part.callProviderMetadata : undefined;
  const details = metadata?.openrouter?.reasoning_details;
  return Array.isArray(details) && details.length > 0;
}

/**
 * The answer's parts with each step's reasoning details kept: a step (from one `step-start` to the
 * next) that reported details but has no part carrying them gets an empty reasoning part holding them
 * (an empty reasoning part is not shown, nor exported).
 */
export function keepStepReasoning(parts: Part[], stepDetails: ReasoningDetail[][]): Part[] {
  const out: Part[] = [];
  let step = -1;
  parts.forEach((part, index) => {
    out.push(part);
    if (part.type !== "step-start") return;
    step += 1;
    const details = stepDetails[step] ?? [];
    if (details.length === 0) return;
    const next = parts.findIndex((p, i) => i > index && p.type === "step-start");
    const segment = parts.slice(index + 1, next < 0 ? parts.length : next);
    if (segment.some(carriesDetails)) return;
    out.push({ type: "reasoning", text: "", state: "done", providerMetadata: { openrouter: { reasoning_details: details } } });
  });
  return out;
}
