import { Brain, Eye, Gift, Route, Wrench } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import type { ModelSummary } from "@/lib/openrouter/types";
import { isRouter, supportsVision } from "./format";

/** Kind and capability badges: router or alias, tools, vision, reasoning, free. */
export function ModelBadges({ model }: { model: ModelSummary }) {
  return (
    <span className="flex flex-wrap items-center gap-1">
      {isRouter(model) && (
        <Badge variant="outline" data-testid="badge-router" title="Picks a model for each message; the price is that model's" className="px-1.5">
          <Route aria-hidden /> router
        </Badge>
      )}
      {model.aliasOf && (
        <Badge variant="outline" data-testid="badge-alias" title={`Always the newest of its family: now ${model.aliasOf}`} className="px-1.5">
          latest
        </Badge>
      )}
      {model.supportsTools && (
        <Badge variant="secondary" data-testid="badge-tools" title="Can call tools" className="px-1.5">
          <Wrench aria-hidden /> tools
        </Badge>
      )}
      {supportsVision(model) && (
        <Badge variant="secondary" data-testid="badge-vision" title="Accepts images" className="px-1.5">
          <Eye aria-hidden /> vision
        </Badge>
      )}
      {model.supportsReasoning && (
        <Badge variant="secondary" data-testid="badge-reasoning" title="Supports reasoning" className="px-1.5">
          <Brain aria-hidden /> reasoning
        </Badge>
      )}
      {model.isFree && (
        <Badge variant="success" data-testid="badge-free" title="Free to use" className="px-1.5">
          <Gift aria-hidden /> free
        </Badge>
      )}
    </span>
  );
}
