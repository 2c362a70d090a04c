"use client";

import { useEffect, useState } from "react";

// The composer's cost preview: POST /api/spend/estimate, debounced, the last answer wins.
// Mount: `const { inputCostNano } = useCostPreview({ conversationId, model, text });` and pass
// `inputCostNano` to <Composer estimateInputCostNano={…} />.

export type CostPreview = {
  /** Estimated input cost of the message with the conversation's context, nano-USD decimal string; null while unknown. */
  inputCostNano: string | null;
  promptTokens: number | null;
  loading: boolean;
};

type EstimateResponse = { inputCostNano: string; promptTokens: number; model: string };

export function useCostPreview(input: {
  conversationId?: string | null;
  model: string | null | undefined;
  text: string;
  /** Default 400 ms. */
  debounceMs?: number;
  /** Default true; false clears the preview and sends nothing. */
  enabled?: boolean;
}): CostPreview {
  const { conversationId, model, text, debounceMs = 400, enabled = true } = input;
  const active = enabled && Boolean(model) && text.trim().length > 0;
  const key = active ? JSON.stringify([conversationId ?? null, model, text]) : null;
  // The answer for one request key; shown only while it is the current key.
  const [result, setResult] = useState<{ key: string; inputCostNano: string | null; promptTokens: number | null } | null>(null);

  useEffect(() => {
    if (key === null || !model) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      fetch("/api/spend/estimate", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...(conversationId ? { conversationId } : {}), model, text }),
        signal: controller.signal,
      })
        .then(async (response) => {
          if (!response.ok) throw new Error(`estimate ${response.status}`);
          const body = (await response.json()) as EstimateResponse;
          setResult({ key, inputCostNano: body.inputCostNano, promptTokens: body.promptTokens });
        })
        .catch(() => {
          if (!controller.signal.aborted) setResult({ key, inputCostNano: null, promptTokens: null });
        });
    }, debounceMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key, conversationId, model, text, debounceMs]);

  if (key === null) return { inputCostNano: null, promptTokens: null, loading: false };
  // While the next estimate is on its way, the previous one stays on screen (no flicker while typing).
  if (result?.key !== key) return { inputCostNano: result?.inputCostNano ?? null, promptTokens: result?.promptTokens ?? null, loading: true };
  return { inputCostNano: result.inputCostNano, promptTokens: result.promptTokens, loading: false };
}
