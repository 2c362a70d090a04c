"use client";

import { X } from "lucide-react";
import { Button } from "@/components/ui/button";
import { ModelPicker } from "@/components/models/model-picker";
import { shortModelName } from "@/components/models/format";
import { useModelCatalog } from "@/components/models/use-model-catalog";
import { MAX_COMPARE_MODELS } from "@/lib/chat/limits";

type CompareModelsProps = {
  models: string[];
  onChange: (models: string[]) => void;
};

/** The models a compared message goes to: 2 to 4, picked from the usual picker (favourites first). */
export function CompareModels({ models, onChange }: CompareModelsProps) {
  const catalog = useModelCatalog();
  return (
    <div data-testid="compare-models" className="flex flex-wrap items-center gap-1.5 px-1 text-xs">
      <span className="text-muted-foreground">Compare</span>
      {models.map((id) => (
        <span
          key={id}
          data-testid="compare-model-chip"
          data-model={id}
          className="inline-flex items-center gap-1 rounded-full border border-border bg-muted/40 py-0.5 pr-0.5 pl-2"
        >
          <span className="max-w-40 truncate" title={id}>
            {shortModelName(catalog.byId.get(id), id)}
          </span>
          <Button
            type="button"
            variant="ghost"
            size="icon-sm"
            className="size-5"
            data-testid="compare-remove"
            aria-label={`Remove ${id} from the comparison`}
            onClick={() => onChange(models.filter((m) => m !== id))}
          >
            <X aria-hidden className="size-3" />
          </Button>
        </span>
      ))}
      {models.length < MAX_COMPARE_MODELS && (
        <span data-testid="compare-add">
          <ModelPicker
            value=""
            triggerLabel="Add a model"
            onChange={(id) => {
              if (!models.includes(id)) onChange([...models, id]);
            }}
          />
        </span>
      )}
      {models.length < 2 && <span className="text-muted-foreground">Pick at least 2 models.</span>}
    </div>
  );
}
