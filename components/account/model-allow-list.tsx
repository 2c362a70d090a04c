"use client";

import { useId, useMemo, useState } from "react";
import { X } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Input } from "@/components/ui/input";
import { queryTerms } from "@/components/models/picker-sections";
import { useModelCatalog } from "@/components/models/use-model-catalog";
import { cn } from "@/lib/utils";

/** Matches shown under the search box at most. */
const SHOWN = 8;

type Choice = { value: string; label: string; detail: string; kind: "alias" | "model" };

/**
 * The models a key may use: a search box over the catalog and the team's aliases (an ARIA
 * combobox), the chosen ones as removable badges. Empty means every model.
 */
export function ModelAllowList({ value, onChange, labelId }: { value: string[]; onChange: (next: string[]) => void; labelId: string }) {
  const catalog = useModelCatalog();
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const listboxId = useId();

  const choices = useMemo<Choice[]>(
    () => [
      ...catalog.aliases.map((a) => ({ value: a.name, label: a.name, detail: `team alias → ${a.model}`, kind: "alias" as const })),
      ...catalog.models.map((m) => ({ value: m.id, label: m.name, detail: m.id, kind: "model" as const })),
    ],
    [catalog.aliases, catalog.models],
  );
  const terms = queryTerms(query);
  const matches =
    terms.length === 0
      ? []
      : choices.filter((c) => !value.includes(c.value) && terms.every((t) => `${c.label}\n${c.detail}`.toLowerCase().includes(t))).slice(0, SHOWN);
  const labelOf = (v: string) => choices.find((c) => c.value === v);

  const add = (choice: Choice | undefined) => {
    if (!choice) return;
    onChange([...value, choice.value]);
    setQuery("");
    setActive(0);
  };

  return (
    <div className="grid gap-2" data-testid="key-allow-list">
      {value.length > 0 && (
        <ul className="flex flex-wrap gap-1" aria-label="Allowed models">
          {value.map((v) => (
            <li key={v}>
              <Badge variant="secondary" className="gap-1 font-mono" data-testid="key-allow-list-item" data-value={v}>
                {v}
                {labelOf(v)?.kind === "alias" && <span className="font-sans text-muted-foreground">(alias)</span>}
                <button
                  type="button"
                  className="rounded-sm opacity-70 hover:opacity-100"
                  aria-label={`Remove ${v}`}
                  onClick={() => onChange(value.filter((x) => x !== v))}
                >
                  <X aria-hidden className="size-3" />
                </button>
              </Badge>
            </li>
          ))}
        </ul>
      )}
      <Input
        role="combobox"
        aria-labelledby={labelId}
        aria-expanded={matches.length > 0}
        aria-controls={listboxId}
        aria-autocomplete="list"
        aria-activedescendant={matches.length > 0 ? `${listboxId}-${Math.min(active, matches.length - 1)}` : undefined}
        placeholder={value.length === 0 ? "Every model — type to restrict to some" : "Add another model or alias…"}
        autoComplete="off"
        spellCheck={false}
        value={query}
        data-testid="key-allow-list-search"
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, matches.length - 1));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === "Enter") {
            // Enter picks a match instead of submitting the form.
            if (matches.length > 0) {
              e.preventDefault();
              add(matches[Math.min(active, matches.length - 1)]);
            }
          } else if (e.key === "Escape" && query) {
            e.preventDefault();
            setQuery("");
          }
        }}
      />
      <div role="listbox" id={listboxId} aria-label="Matching models" hidden={matches.length === 0} className="rounded-md border border-border p-1">
        {matches.map((choice, index) => (
          <div
            key={choice.value}
            id={`${listboxId}-${index}`}
            role="option"
            aria-selected={index === active}
            data-testid="key-allow-list-option"
            data-value={choice.value}
            className={cn("cursor-pointer rounded px-2 py-1 text-sm", index === active && "bg-accent text-accent-foreground")}
            onMouseMove={() => setActive(index)}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => add(choice)}
          >
            <span className="font-medium">{choice.label}</span> <span className="text-xs text-muted-foreground">{choice.detail}</span>
          </div>
        ))}
      </div>
      {terms.length > 0 && matches.length === 0 && <p className="text-xs text-muted-foreground">No model or alias matches “{query}”.</p>}
    </div>
  );
}
