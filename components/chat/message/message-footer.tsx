"use client";

import { memo } from "react";
import { Globe, RotateCcw, Shuffle, Sparkles } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { ChatMessageMetadata } from "@/lib/chat/types";
import { CopyButton } from "./copy-button";
import { formatCount, formatMs, formatNano } from "./format";

type MessageFooterProps = {
  metadata: ChatMessageMetadata | undefined;
  streaming: boolean;
  /** Stopped by the user (saved as "partial", or stopped in this session). */
  stopped: boolean;
  getText: () => string;
  /** Given on the last answer when nothing is running. */
  onRegenerate?: () => void;
};

/** Usage facts of one answer (model, provider, routing, tokens, cost, speed) and its actions. */
export const MessageFooter = memo(function MessageFooter({ metadata, streaming, stopped, getText, onRegenerate }: MessageFooterProps) {
  const m = metadata ?? {};
  const served = m.modelServed ?? m.model;
  const cost = m.costPending ? "pending" : (formatNano(m.costNano) ?? (streaming ? "…" : "—"));
  const ttft = formatMs(m.ttftMs);
  const tps = m.tokensPerSecond !== undefined && Number.isFinite(m.tokensPerSecond) ? `${m.tokensPerSecond.toFixed(1)} tok/s` : null;
  const total = streaming ? null : formatMs(m.durationMs);
  return (
    <div
      data-testid="message-footer"
      data-streaming={streaming ? "true" : "false"}
      className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-muted-foreground"
    >
      {stopped && (
        <Badge variant="outline" data-testid="stopped-badge">
          Stopped
        </Badge>
      )}
      {served && (
        <span className="inline-flex items-center gap-1">
          {m.autoRouted && (
            <span data-testid="footer-auto-routed" className="inline-flex items-center gap-1" title="The auto router chose this model">
              <Sparkles aria-hidden className="size-3" /> Auto →
            </span>
          )}
          <span
            data-testid="footer-model"
            className="font-mono"
            title={m.model && m.model !== served ? `Asked for ${m.model}; answered by ${served}` : served}
          >
            {served}
          </span>
        </span>
      )}
      {m.provider && (
        <span title="Provider that served the answer">
          via <span data-testid="footer-provider">{m.provider}</span>
        </span>
      )}
      {m.fallbackUsed && (
        <span
          data-testid="footer-fallback"
          className="inline-flex items-center gap-1 text-foreground"
          title={`The first choice${m.model ? `, ${m.model},` : ""} failed; the fallback model ${served ?? ""} answered`}
        >
          <Shuffle aria-hidden className="size-3" /> fallback{m.model ? ` — ${m.model} failed` : ""}
        </span>
      )}
      {m.webSearch && (
        <span
          data-testid="footer-web-search"
          className="inline-flex items-center gap-1"
          title={`Web search (${m.webSearch.engine}, up to ${m.webSearch.maxResults} results); its cost is included`}
        >
          <Globe aria-hidden className="size-3" /> web search
        </span>
      )}
      {m.toolsUnsupported && (
        <span data-testid="footer-no-tools" title="Tools are on in this conversation, but this model cannot call them: it answered without them">
          no tools
        </span>
      )}
      {(m.promptTokens !== undefined || m.completionTokens !== undefined) && (
        <span data-testid="footer-tokens" title="Tokens in / out">
          {formatCount(m.promptTokens)} in · {formatCount(m.completionTokens)} out
          {m.reasoningTokens ? ` (${formatCount(m.reasoningTokens)} reasoning)` : ""}
        </span>
      )}
      <span data-testid="footer-cost" data-pending={m.costPending ? "true" : undefined} title="Cost of this answer">
        {cost}
      </span>
      {ttft && (
        <span data-testid="footer-ttft" title="Time to first token">
          TTFT {ttft}
        </span>
      )}
      {tps && (
        <span data-testid="footer-tps" title="Output speed">
          {tps}
        </span>
      )}
      {total && (
        <span data-testid="footer-duration" title="Total time, from the request to the last token">
          {total} total
        </span>
      )}
      {!streaming && (
        <span className="ml-auto flex items-center gap-0.5">
          <CopyButton data-testid="copy-answer" label="Copy answer" getText={getText} />
          {onRegenerate && (
            <Button
              type="button"
              variant="ghost"
              size="icon-sm"
              data-testid="regenerate"
              aria-label="Regenerate answer"
              title="Regenerate answer"
              onClick={onRegenerate}
            >
              <RotateCcw aria-hidden className="size-3.5" />
            </Button>
          )}
        </span>
      )}
    </div>
  );
});
