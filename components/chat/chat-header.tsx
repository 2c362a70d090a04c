"use client";

import { memo } from "react";
import { ModelPicker } from "@/components/models/model-picker";
import type { ConversationSettings, ReasoningEffort } from "@/lib/chat/types";
import { formatUsd } from "@/lib/money";
import { ChatSettings, ReasoningEffortSelect } from "./settings/chat-settings";

type ChatHeaderProps = {
  title: string;
  model: string;
  modelLabel: string;
  onModelChange: (modelId: string) => void;
  settings: ConversationSettings;
  onSettingsChange: (settings: ConversationSettings) => void;
  supportsReasoning: boolean;
  /** Running total of this conversation, nano-USD. */
  totalCostNano: bigint;
};

/** Title, model picker (+ reasoning effort when the model reasons), settings and the running cost. */
export const ChatHeader = memo(function ChatHeader({
  title,
  model,
  modelLabel,
  onModelChange,
  settings,
  onSettingsChange,
  supportsReasoning,
  totalCostNano,
}: ChatHeaderProps) {
  return (
    <header data-testid="chat-header" className="flex flex-wrap items-center gap-x-3 gap-y-2 border-b border-border px-4 py-2">
      <h1 data-testid="chat-title" className="min-w-0 flex-1 truncate text-base font-semibold" title={title}>
        {title || "New chat"}
      </h1>
      <div className="flex items-center gap-2">
        <ModelPicker value={model} onChange={onModelChange} />
        {supportsReasoning && (
          <ReasoningEffortSelect
            value={settings.reasoningEffort}
            onChange={(reasoningEffort: ReasoningEffort | null) => onSettingsChange({ ...settings, reasoningEffort })}
          />
        )}
        <ChatSettings settings={settings} onSave={onSettingsChange} supportsReasoning={supportsReasoning} modelLabel={modelLabel} modelId={model} />
        <span
          data-testid="conversation-cost"
          data-nano={totalCostNano.toString()}
          className="min-w-14 text-right font-mono text-xs text-muted-foreground tabular-nums"
          title="Total cost of this conversation"
          aria-label={`Conversation cost ${formatUsd(totalCostNano)}`}
        >
          {formatUsd(totalCostNano)}
        </span>
      </div>
    </header>
  );
});
