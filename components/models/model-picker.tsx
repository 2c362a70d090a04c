"use client";
// One picker for hundreds of models (search, team aliases, favourites, recent, models grouped by author, keyboard navigation)
// kept in one file, over 300 lines, so its focus and key handling read in one place. What it lists is picker-sections.ts; it
// renders only the first RENDER_STEP rows of that, and more as the list is scrolled or moved through.

import { useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import { ChevronsUpDown, Search, TriangleAlert } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Kbd } from "@/components/ui/kbd";
import { Popover, PopoverContent, PopoverTrigger } from "@/components/ui/popover";
import { Spinner } from "@/components/ui/spinner";
import type { ModelSummary } from "@/lib/openrouter/types";
import { cn } from "@/lib/utils";
import { shortModelName } from "./format";
import { ModelDetails } from "./model-endpoints";
import { AliasOption } from "./alias-option";
import { ModelOption } from "./model-option";
import { reloadModelCatalog, useModelCatalog } from "./use-model-catalog";
import { aliasOptionKey, buildSections, groupByAuthor, matchingAliases, searchIndex } from "./picker-sections";
import { setDefaultModel, toggleFavoriteModel, useModelPreferences } from "./use-model-preferences";

/** Options rendered at first, and added each time the list is scrolled (or moved) near its end. */
export const RENDER_STEP = 60;

type ModelPickerProps = {
  /** The selected model id. */
  value: string;
  onChange: (modelId: string) => void;
  disabled?: boolean;
  className?: string;
  /** Shown on the button instead of the selected model's name (e.g. "Add a model"). */
  triggerLabel?: string;
};

/**
 * Pick a model: a popover with a search box (ARIA combobox) over a listbox of models, fully
 * keyboard-driven (↑/↓, PageUp/PageDown, Enter picks, Shift+Enter stars, Alt+Enter shows the model's
 * providers, Escape leaves the details, clears, then closes).
 */
export function ModelPicker({ value, onChange, disabled, className, triggerLabel }: ModelPickerProps) {
  const catalog = useModelCatalog();
  const prefs = useModelPreferences();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [activeId, setActiveId] = useState<string | null>(null);
  /** The model whose detail view replaces the list (null: the list). */
  const [detailsId, setDetailsId] = useState<string | null>(null);
  const listboxId = useId();
  const inputRef = useRef<HTMLInputElement>(null);

  /** How many options are rendered (the rest are rendered as the list is scrolled or moved through). */
  const [rendered, setRendered] = useState(RENDER_STEP);
  const listRef = useRef<HTMLDivElement>(null);
  const endRef = useRef<HTMLDivElement>(null);

  const groups = useMemo(() => groupByAuthor(catalog.models), [catalog.models]);
  const index = useMemo(() => searchIndex(catalog.models), [catalog.models]);
  const sections = useMemo(() => buildSections(groups, catalog.byId, prefs, query, index), [groups, catalog.byId, prefs, query, index]);
  const flat = useMemo(() => sections.flatMap((s) => s.models), [sections]);
  // The team's aliases come first ("Team aliases"), always all rendered (an admin defines a few);
  // choosing one picks its target model. Option keys: "alias:<name>" for them, model ids after.
  const aliases = useMemo(() => matchingAliases(catalog.aliases, catalog.byId, query), [catalog.aliases, catalog.byId, query]);
  const optionKeys = useMemo(() => [...aliases.map((a) => aliasOptionKey(a.name)), ...flat.map((m) => m.id)], [aliases, flat]);
  const activeIndex = Math.max(
    0,
    optionKeys.findIndex((key) => key === activeId),
  );
  const activeAlias = activeIndex < aliases.length ? aliases[activeIndex] : undefined;
  const modelIndex = activeIndex - aliases.length;
  // The active option is always rendered (opening on a model far down the list, or PageDown past the end).
  const shownCount = Math.min(flat.length, Math.max(rendered, modelIndex + 1 + (modelIndex + 1 >= rendered ? RENDER_STEP / 2 : 0)));
  const active = modelIndex >= 0 ? (flat[modelIndex] as ModelSummary | undefined) : undefined;
  const optionDomId = (index: number) => `${listboxId}-option-${index}`;
  const current = catalog.byId.get(value);
  const detailsModel = detailsId ? catalog.byId.get(detailsId) : undefined;
  const favoriteSet = useMemo(() => new Set(prefs.favoriteModels), [prefs.favoriteModels]);

  const pick = useCallback(
    (modelId: string) => {
      onChange(modelId);
      setOpen(false);
    },
    [onChange],
  );

  // Keep the active option in view while moving through the list.
  useEffect(() => {
    if (!open || (!active && !activeAlias)) return;
    document.getElementById(`${listboxId}-option-${activeIndex}`)?.scrollIntoView({ block: "nearest" });
  }, [open, active, activeAlias, activeIndex, listboxId]);

  // Render more rows when the end of the rendered ones scrolls into view.
  useEffect(() => {
    const root = listRef.current;
    const end = endRef.current;
    if (!open || !root || !end || shownCount >= flat.length) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setRendered(shownCount + RENDER_STEP);
      },
      { root, rootMargin: "200px" },
    );
    observer.observe(end);
    return () => observer.disconnect();
  }, [open, shownCount, flat.length]);

  const move = (delta: number) => {
    if (optionKeys.length === 0) return;
    const next = (((activeIndex + delta) % optionKeys.length) + optionKeys.length) % optionKeys.length;
    setActiveId(optionKeys[next]);
    // Moving past the rendered rows renders the next ones, so moving back up keeps them.
    const nextModel = next - aliases.length;
    setRendered((r) => (nextModel + 1 >= r ? nextModel + 1 + RENDER_STEP / 2 : r));
  };

  // Models are numbered after the aliases in the listbox.
  let optionIndex = 0;

  return (
    <Popover
      open={open}
      onOpenChange={(next) => {
        if (next) {
          setQuery("");
          setActiveId(value);
          setDetailsId(null);
          setRendered(RENDER_STEP);
        }
        setOpen(next);
      }}
    >
      <PopoverTrigger asChild>
        <Button
          type="button"
          variant="outline"
          size="sm"
          disabled={disabled}
          data-testid="model-picker"
          data-model-id={value}
          aria-label={triggerLabel ?? `Model: ${shortModelName(current, value)}. Change model`}
          title={triggerLabel ?? value}
          className={cn("max-w-64 justify-between gap-1.5 font-normal", className)}
        >
          <span className="truncate" data-testid="model-picker-name">
            {triggerLabel ?? shortModelName(current, value)}
          </span>
          <ChevronsUpDown aria-hidden className="size-3.5 opacity-60" />
        </Button>
      </PopoverTrigger>
      <PopoverContent
        align="start"
        className="flex w-[min(36rem,calc(100vw-1rem))] flex-col overflow-hidden p-0"
        data-testid="model-picker-popover"
        onOpenAutoFocus={(event) => {
          event.preventDefault();
          inputRef.current?.focus();
        }}
        onEscapeKeyDown={(event) => {
          if (detailsId) {
            event.preventDefault();
            setDetailsId(null);
            inputRef.current?.focus();
          } else if (query) {
            event.preventDefault();
            setQuery("");
          }
        }}
      >
        <div className="flex items-center gap-2 border-b border-border px-3">
          <Search aria-hidden className="size-4 shrink-0 text-muted-foreground" />
          <Input
            ref={inputRef}
            role="combobox"
            aria-expanded={open}
            aria-controls={listboxId}
            aria-autocomplete="list"
            aria-activedescendant={(active || activeAlias) && !detailsModel ? optionDomId(activeIndex) : undefined}
            aria-label="Search models"
            data-testid="model-search"
            placeholder="Search by name, id or provider…"
            autoComplete="off"
            spellCheck={false}
            className="h-10 border-0 bg-transparent px-0 shadow-none focus-visible:ring-0 dark:bg-transparent"
            value={query}
            onChange={(event) => {
              setQuery(event.target.value);
              setActiveId(null);
              setDetailsId(null);
              setRendered(RENDER_STEP);
            }}
            onKeyDown={(event) => {
              if (event.nativeEvent.isComposing) return;
              switch (event.key) {
                case "ArrowDown":
                  event.preventDefault();
                  move(1);
                  break;
                case "ArrowUp":
                  event.preventDefault();
                  move(-1);
                  break;
                case "PageDown":
                  event.preventDefault();
                  move(Math.min(10, optionKeys.length - 1 - activeIndex) || 0);
                  break;
                case "PageUp":
                  event.preventDefault();
                  move(-Math.min(10, activeIndex) || 0);
                  break;
                case "Enter":
                  event.preventDefault();
                  if (activeAlias) {
                    // An alias has no star of its own; its details are its target's.
                    if (event.altKey) setDetailsId(detailsId === activeAlias.model ? null : activeAlias.model);
                    else if (!event.shiftKey) pick(activeAlias.model);
                    break;
                  }
                  if (!active) break;
                  if (event.altKey) setDetailsId(detailsId === active.id ? null : active.id);
                  else if (event.shiftKey) toggleFavoriteModel(active.id);
                  else pick(active.id);
                  break;
              }
            }}
          />
        </div>
        {catalog.state === "stale" && (
          <p data-testid="catalog-stale" className="border-b border-border px-3 py-1.5 text-xs text-muted-foreground">
            Showing a saved model list — OpenRouter could not be reached to refresh it.
          </p>
        )}
        {catalog.state === "unavailable" && (
          <div
            data-testid="catalog-unavailable"
            role="alert"
            className="flex items-start gap-2 border-b border-border bg-destructive/5 px-3 py-2 text-sm"
          >
            <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-destructive" />
            <div className="grid gap-1">
              <p className="font-medium text-destructive">The model list is unavailable right now.</p>
              <p className="text-xs text-muted-foreground">
                {catalog.error ? `${catalog.error}. ` : ""}You can keep chatting with <span className="font-mono">{value}</span>.
              </p>
              <Button type="button" size="sm" variant="outline" className="w-fit" onClick={() => reloadModelCatalog()}>
                Try again
              </Button>
            </div>
          </div>
        )}
        {detailsModel && (
          <ModelDetails
            model={detailsModel}
            onBack={() => {
              setDetailsId(null);
              inputRef.current?.focus();
            }}
          />
        )}
        <div
          role="listbox"
          id={listboxId}
          hidden={!!detailsModel}
          ref={listRef}
          aria-label="Models"
          data-testid="model-list"
          data-count={optionKeys.length}
          className="max-h-[min(60vh,26rem)] overflow-y-auto p-1"
        >
          {catalog.state === "loading" && (
            <div data-testid="catalog-loading" className="flex items-center gap-2 px-2 py-3 text-sm text-muted-foreground">
              <Spinner size="sm" label={null} /> Loading models…
            </div>
          )}
          {aliases.length > 0 && (
            <div role="group" aria-labelledby={`${listboxId}-aliases`} data-testid="model-section-aliases" data-section="aliases">
              <div id={`${listboxId}-aliases`} className="px-2 pt-2 pb-1 text-xs font-medium text-muted-foreground">
                Team aliases
              </div>
              {aliases.map((alias, index) => (
                <AliasOption
                  key={alias.name}
                  id={optionDomId(index)}
                  alias={alias}
                  target={catalog.byId.get(alias.model)!}
                  position={index + 1}
                  total={optionKeys.length}
                  active={index === activeIndex}
                  selected={alias.model === value}
                  optionKey={aliasOptionKey(alias.name)}
                  onPick={pick}
                  onHover={setActiveId}
                />
              ))}
            </div>
          )}
          {sections.map((section) => {
            if (optionIndex >= shownCount) return null;
            const headingId = `${listboxId}-${section.key}`;
            const models = section.models.slice(0, shownCount - optionIndex);
            return (
              <div
                key={section.key}
                role="group"
                aria-labelledby={headingId}
                data-testid={section.key.startsWith("author:") ? "model-section-author" : `model-section-${section.key}`}
                data-section={section.key}
              >
                <div id={headingId} className="px-2 pt-2 pb-1 text-xs font-medium text-muted-foreground">
                  {section.label}
                  {section.key.startsWith("author:") && <span className="ml-1 font-normal opacity-70">({section.models.length})</span>}
                </div>
                {models.map((model) => {
                  const index = aliases.length + optionIndex++;
                  return (
                    <ModelOption
                      key={model.id}
                      id={optionDomId(index)}
                      model={model}
                      position={index + 1}
                      total={optionKeys.length}
                      active={index === activeIndex}
                      selected={model.id === value}
                      favorite={favoriteSet.has(model.id)}
                      onPick={pick}
                      onHover={setActiveId}
                      onToggleFavorite={toggleFavoriteModel}
                      onShowDetails={setDetailsId}
                    />
                  );
                })}
              </div>
            );
          })}
          {shownCount < flat.length && (
            <div ref={endRef} data-testid="model-list-more" className="px-2 py-2 text-xs text-muted-foreground">
              {flat.length - shownCount} more — scroll or keep typing to narrow
            </div>
          )}
          {catalog.state !== "loading" && optionKeys.length === 0 && (
            <p data-testid="model-empty" className="px-2 py-3 text-sm text-muted-foreground">
              {query ? `No models match “${query}”.` : "No models to show."}
            </p>
          )}
        </div>
        <div className="flex flex-wrap items-center justify-between gap-2 border-t border-border px-3 py-2 text-xs text-muted-foreground">
          <span className="flex flex-wrap items-center gap-1">
            <Kbd>↑</Kbd>
            <Kbd>↓</Kbd> move <Kbd>Enter</Kbd> pick <Kbd>Shift</Kbd>+<Kbd>Enter</Kbd> star <Kbd>Alt</Kbd>+<Kbd>Enter</Kbd> details <Kbd>Esc</Kbd>{" "}
            close
          </span>
          {prefs.loaded && value && prefs.defaultModel !== value && (
            <Button type="button" variant="ghost" size="sm" className="h-7" data-testid="set-default-model" onClick={() => setDefaultModel(value)}>
              Make {shortModelName(current, value)} my default
            </Button>
          )}
        </div>
      </PopoverContent>
    </Popover>
  );
}
