"use client";

import { use } from "react";
import { ChevronLeft, ChevronRight } from "lucide-react";
import { Button } from "@/components/ui/button";
import type { ChatUIMessage } from "@/lib/chat/types";
import { ChatBusyContext } from "../chat-context";

type AlternativeSwitcherProps = {
  list: readonly ChatUIMessage[];
  currentId: string;
  onShow: (messageId: string) => void;
};

/** "‹ 2 / 3 ›" under an answer that has alternatives: the conversation continues from the one shown. */
export function AlternativeSwitcher({ list, currentId, onShow }: AlternativeSwitcherProps) {
  const busy = use(ChatBusyContext);
  const index = list.findIndex((m) => m.id === currentId);
  if (list.length < 2 || index < 0) return null;
  const go = (delta: number) => {
    const next = list[index + delta];
    if (next) onShow(next.id);
  };
  return (
    <nav data-testid="alternatives" aria-label="Alternative answers" className="flex items-center gap-1 text-xs text-muted-foreground">
      <Button
        type="button"
        variant="ghost"
        size="icon-sm"
        data-testid="alternative-previous"
        aria-label="Previous answer"
        disabled={busy || index === 0}
        onClick={() => go(-1)}
      >
        <ChevronLeft aria-hidden className="size-3.5" />
      </Button>
      <span data-testid="alternative-index" data-index={index + 1} data-count={list.length} aria-live="polite">
        {index + 1} / {list.length}
      </span>
      <Button
        type="button"
        variant="ghost"
        size="icon-sm"
        data-testid="alternative-next"
        aria-label="Next answer"
        disabled={busy || index === list.length - 1}
        onClick={() => go(1)}
      >
        <ChevronRight aria-hidden className="size-3.5" />
      </Button>
    </nav>
  );
}
