"use client";

import { memo } from "react";
import { Check, Info, Star } from "lucide-react";
import type { ModelSummary } from "@/lib/openrouter/types";
import { cn } from "@/lib/utils";
import { formatContextLength, pricePerMillion, shortModelName } from "./format";
import { ModelBadges } from "./model-badges";

type ModelOptionProps = {
  id: string;
  model: ModelSummary;
  /** 1-based place in the whole filtered list, and its length: only part of it is rendered. */
  position: number;
  total: number;
  active: boolean;
  selected: boolean;
  favorite: boolean;
  onPick: (modelId: string) => void;
  onHover: (modelId: string) => void;
  onToggleFavorite: (modelId: string) => void;
  /** Opens the model's detail view (its providers). */
  onShowDetails: (modelId: string) => void;
};

/** One row of the picker's listbox: name, badges, provider, context and prices, details and a star. */
export const ModelOption = memo(function ModelOption({
  id,
  model,
  position,
  total,
  active,
  selected,
  favorite,
  onPick,
  onHover,
  onToggleFavorite,
  onShowDetails,
}: ModelOptionProps) {
  return (
    <div
      id={id}
      role="option"
      aria-selected={active}
      aria-posinset={position}
      aria-setsize={total}
      aria-current={selected || undefined}
      data-testid="model-option"
      data-model-id={model.id}
      data-active={active || undefined}
      className={cn(
        "group/option flex cursor-pointer items-start gap-2 rounded-md px-2 py-1.5 text-sm",
        active && "bg-accent text-accent-foreground",
      )}
      onMouseMove={() => {
        if (!active) onHover(model.id);
      }}
      onClick={() => onPick(model.id)}
    >
      <Check aria-hidden className={cn("mt-0.5 size-4 shrink-0", selected ? "opacity-100" : "opacity-0")} />
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-x-2 gap-y-0.5">
          <span className="truncate font-medium">{shortModelName(model)}</span>
          <ModelBadges model={model} />
        </div>
        <div className="truncate text-xs text-muted-foreground">
          <span data-testid="model-provider">{model.provider}</span>
          {model.aliasOf && (
            <>
              {" · "}
              <span data-testid="model-alias-target" title="This alias always answers with the newest model of its family">
                now {model.aliasOf}
              </span>
            </>
          )}
          {" · "}
          <span data-testid="model-context">{formatContextLength(model.contextLength)} context</span>
          {" · "}
          <span data-testid="model-price">
            {pricePerMillion(model.pricing.prompt)} in / {pricePerMillion(model.pricing.completion)} out per 1M tokens
          </span>
        </div>
      </div>
      <button
        type="button"
        tabIndex={-1}
        data-testid="model-details-button"
        aria-label={`Details and providers of ${shortModelName(model)}`}
        title="Details and providers"
        className="rounded p-1 text-muted-foreground opacity-40 outline-none group-hover/option:opacity-100 hover:text-foreground"
        // Keep focus in the search box.
        onMouseDown={(event) => event.preventDefault()}
        onClick={(event) => {
          event.stopPropagation();
          onShowDetails(model.id);
        }}
      >
        <Info aria-hidden className="size-4" />
      </button>
      <button
        type="button"
        tabIndex={-1}
        data-testid="favorite-toggle"
        aria-pressed={favorite}
        aria-label={favorite ? `Remove ${shortModelName(model)} from favourites` : `Add ${shortModelName(model)} to favourites`}
        title={favorite ? "Remove from favourites (Shift+Enter)" : "Add to favourites (Shift+Enter)"}
        className={cn(
          "rounded p-1 text-muted-foreground outline-none hover:text-foreground",
          favorite ? "text-warning opacity-100" : "opacity-40 group-hover/option:opacity-100",
        )}
        // Keep focus in the search box.
        onMouseDown={(event) => event.preventDefault()}
        onClick={(event) => {
          event.stopPropagation();
          onToggleFavorite(model.id);
        }}
      >
        <Star aria-hidden className={cn("size-4", favorite && "fill-current")} />
      </button>
    </div>
  );
});
