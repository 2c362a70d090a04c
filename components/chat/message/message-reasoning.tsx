"use client";

import { memo, useState } from "react";
import { Brain, ChevronDown } from "lucide-react";
import { Collapsible, CollapsibleContent, CollapsibleTrigger } from "@/components/ui/collapsible";
import { Spinner } from "@/components/ui/spinner";
import { cn } from "@/lib/utils";

type MessageReasoningProps = {
  text: string;
  /** The part's state is "streaming": shown open until it is done. */
  streaming: boolean;
};

/** The model's "Thinking" block: open while it streams, closed when done, toggled by the user. */
export const MessageReasoning = memo(function MessageReasoning({ text, streaming }: MessageReasoningProps) {
  // null: follow the stream; a boolean once the user has toggled it.
  const [userOpen, setUserOpen] = useState<boolean | null>(null);
  const open = userOpen ?? streaming;
  return (
    <Collapsible
      open={open}
      onOpenChange={setUserOpen}
      data-testid="reasoning"
      data-streaming={streaming ? "true" : "false"}
      className="rounded-lg border border-border bg-muted/30"
    >
      <CollapsibleTrigger
        data-testid="reasoning-toggle"
        className="flex w-full items-center gap-2 rounded-lg px-3 py-2 text-left text-sm text-muted-foreground outline-none hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50"
      >
        {streaming ? <Spinner size="sm" label={null} /> : <Brain aria-hidden className="size-4" />}
        <span className="font-medium">{streaming ? "Thinking…" : "Thinking"}</span>
        <ChevronDown aria-hidden className={cn("ml-auto size-4 transition-transform", open && "rotate-180")} />
      </CollapsibleTrigger>
      <CollapsibleContent>
        <div
          data-testid="reasoning-text"
          className="max-h-96 overflow-y-auto border-t border-border px-3 py-2 text-sm whitespace-pre-wrap text-muted-foreground"
        >
          {text}
        </div>
      </CollapsibleContent>
    </Collapsible>
  );
});
