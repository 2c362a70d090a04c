"use client";

import { memo } from "react";
import { Check, Tag } from "lucide-react";
import type { AliasSummary } from "@/lib/model-aliases/types";
import type { ModelSummary } from "@/lib/openrouter/types";
import { cn } from "@/lib/utils";
import { shortModelName } from "./format";

type AliasOptionProps = {
  id: string;
  alias: AliasSummary;
  /** The catalog model the alias points at. */
  target: ModelSummary;
  position: number;
  total: number;
  active: boolean;
  selected: boolean;
  onPick: (modelId: string) => void;
  onHover: (optionKey: string) => void;
  optionKey: string;
};

/** A team alias in the picker: its name, description and the model choosing it selects. */
export const AliasOption = memo(function AliasOption({
  id,
  alias,
  target,
  position,
  total,
  active,
  selected,
  onPick,
  onHover,
  optionKey,
}: AliasOptionProps) {
  return (
    <div
      id={id}
      role="option"
      aria-selected={active}
      aria-posinset={position}
      aria-setsize={total}
      aria-label={`Team alias ${alias.name}: ${shortModelName(target)}${alias.description ? `. ${alias.description}` : ""}`}
      data-testid="model-alias-option"
      data-alias={alias.name}
      data-model-id={alias.model}
      data-active={active || undefined}
      className={cn("flex cursor-pointer items-start gap-2 rounded-md px-2 py-1.5 text-sm", active && "bg-accent text-accent-foreground")}
      onMouseMove={() => {
        if (!active) onHover(optionKey);
      }}
      onClick={() => onPick(alias.model)}
    >
      <Check aria-hidden className={cn("mt-0.5 size-4 shrink-0", selected ? "opacity-100" : "opacity-0")} />
      <div className="min-w-0 flex-1">
        <div className="flex items-center gap-2">
          <Tag aria-hidden className="size-3.5 shrink-0 text-muted-foreground" />
          <span className="truncate font-medium font-mono" data-testid="model-alias-name">
            {alias.name}
          </span>
          <span className="truncate text-xs text-muted-foreground" data-testid="model-alias-target">
            → {shortModelName(target)}
          </span>
        </div>
        {alias.description && (
          <div className="truncate text-xs text-muted-foreground" data-testid="model-alias-description">
            {alias.description}
          </div>
        )}
      </div>
    </div>
  );
});
