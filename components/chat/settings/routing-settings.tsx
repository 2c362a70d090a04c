"use client";

// The routing part of the conversation settings: fallback models (sent upstream as `models`) and
// provider preferences (sent as `provider`); routing-form.ts turns the fields into settings.
// Over 300 lines because it holds the whole section with its three list widgets (ordered
// fallbacks, provider lists, switches), which no other form uses.
import { useId, useState } from "react";
import { ArrowUp, ChevronDown, X } from "lucide-react";
import { shortModelName } from "@/components/models/format";
import { useModelCatalog } from "@/components/models/use-model-catalog";
import { useModelEndpoints } from "@/components/models/use-model-endpoints";
import { Button } from "@/components/ui/button";
import { fieldClassName, Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Switch } from "@/components/ui/switch";
import { MAX_FALLBACK_MODELS } from "@/lib/chat/limits";
import { NumberField } from "./number-field";
import { cn } from "@/lib/utils";

import {
  AUTO_ROUTER_ID,
  isSort,
  MAX_IGNORE,
  MAX_ORDER,
  PROVIDER_NAME,
  providerSorts,
  SORT_LABELS,
  type RoutingErrors,
  type RoutingForm,
} from "./routing-form";

type RoutingSettingsFieldsProps = {
  form: RoutingForm;
  errors: RoutingErrors;
  onChange: (form: RoutingForm) => void;
  /** The conversation's model (left out of the fallback choices; its providers are suggested). */
  modelId: string;
};

/** Fallback models and provider preferences, edited in the conversation settings dialog. */
export function RoutingSettingsFields({ form, errors, onChange, modelId }: RoutingSettingsFieldsProps) {
  const ids = useId();
  const catalog = useModelCatalog();
  const endpoints = useModelEndpoints(modelId.includes("/") && modelId !== AUTO_ROUTER_ID ? modelId : null);
  const providers = [...new Set(endpoints.endpoints.map((e) => e.provider))];
  const set = <K extends keyof RoutingForm>(key: K, value: RoutingForm[K]) => onChange({ ...form, [key]: value });
  const fallbackChoices = [...catalog.models]
    .filter((m) => m.id !== modelId && m.id !== AUTO_ROUTER_ID && !form.fallbackModels.includes(m.id))
    .sort((a, b) => a.name.localeCompare(b.name));
  const isAuto = modelId === AUTO_ROUTER_ID;
  const fallbacksFull = form.fallbackModels.length >= MAX_FALLBACK_MODELS;

  return (
    <fieldset data-testid="routing-settings" className="grid gap-4 rounded-md border border-border p-3">
      <legend className="px-1 text-sm font-medium">Routing</legend>

      <div className="grid gap-1.5">
        <Label htmlFor={`${ids}-fallback`}>
          Fallback models <span className="font-normal text-muted-foreground">(tried in order if this model fails; up to {MAX_FALLBACK_MODELS})</span>
        </Label>
        <OrderedList
          testId="routing-fallback"
          items={form.fallbackModels}
          label={(id) => `${shortModelName(catalog.byId.get(id), id)} (${id})`}
          onChange={(items) => set("fallbackModels", items)}
        />
        <span className="relative inline-flex items-center">
          <select
            id={`${ids}-fallback`}
            data-testid="routing-fallback-add"
            value=""
            disabled={fallbacksFull || isAuto}
            onChange={(event) => {
              const picked = event.target.value;
              if (picked && !fallbacksFull) set("fallbackModels", [...form.fallbackModels, picked]);
            }}
            className={cn(fieldClassName, "h-8 appearance-none py-0 pr-7 pl-2 text-sm md:text-sm")}
          >
            <option value="">{fallbacksFull ? `At most ${MAX_FALLBACK_MODELS} fallback models` : "Add a fallback model…"}</option>
            {fallbackChoices.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} ({m.id})
              </option>
            ))}
          </select>
          <ChevronDown aria-hidden className="pointer-events-none absolute right-2 size-3.5 opacity-60" />
        </span>
        {(errors.fallbackModels ?? (isAuto && form.fallbackModels.length === 0)) && (
          <p data-testid="routing-fallback-note" className={cn("text-xs", errors.fallbackModels ? "text-destructive" : "text-muted-foreground")}>
            {errors.fallbackModels ?? "The auto router picks its own model; fallback models do not apply to it."}
          </p>
        )}
      </div>

      <div className="grid gap-1.5">
        <Label htmlFor={`${ids}-sort`}>Choose the provider by</Label>
        <span className="relative inline-flex items-center">
          <select
            id={`${ids}-sort`}
            data-testid="routing-sort"
            value={form.sort ?? ""}
            onChange={(event) => set("sort", isSort(event.target.value) ? event.target.value : null)}
            className={cn(fieldClassName, "h-8 appearance-none py-0 pr-7 pl-2 text-sm md:text-sm")}
          >
            <option value="">OpenRouter&apos;s default (balanced)</option>
            {providerSorts.map((sort) => (
              <option key={sort} value={sort}>
                {SORT_LABELS[sort]}
              </option>
            ))}
          </select>
          <ChevronDown aria-hidden className="pointer-events-none absolute right-2 size-3.5 opacity-60" />
        </span>
      </div>

      <ProviderListField
        id={`${ids}-order`}
        testId="routing-order"
        label="Preferred providers"
        hint="tried first, in this order"
        items={form.order}
        max={MAX_ORDER}
        suggestions={providers}
        onChange={(items) => set("order", items)}
        reorderable
      />
      <ProviderListField
        id={`${ids}-ignore`}
        testId="routing-ignore"
        label="Providers to ignore"
        hint="never used"
        items={form.ignore}
        max={MAX_IGNORE}
        suggestions={providers}
        onChange={(items) => set("ignore", items)}
      />

      <div className="grid gap-2">
        <SwitchRow
          id={`${ids}-allow`}
          testId="routing-allow-fallbacks"
          label="Fall back to other providers when the first one fails"
          checked={form.allowFallbacks}
          onChange={(v) => set("allowFallbacks", v)}
        />
        <SwitchRow
          id={`${ids}-data`}
          testId="routing-deny-data-collection"
          label="Only providers that do not store or train on prompts"
          checked={form.denyDataCollection}
          onChange={(v) => set("denyDataCollection", v)}
        />
        <SwitchRow
          id={`${ids}-zdr`}
          testId="routing-zdr"
          label="Zero data retention endpoints only"
          checked={form.zdr}
          onChange={(v) => set("zdr", v)}
        />
      </div>

      <div className="grid gap-4 sm:grid-cols-2">
        <NumberField
          id={`${ids}-max-prompt`}
          testId="routing-max-price-prompt"
          label="Max input price"
          hint="USD / 1M tokens"
          placeholder="No limit"
          value={form.maxPricePrompt}
          error={errors.maxPricePrompt}
          onChange={(v) => set("maxPricePrompt", v)}
        />
        <NumberField
          id={`${ids}-max-completion`}
          testId="routing-max-price-completion"
          label="Max output price"
          hint="USD / 1M tokens"
          placeholder="No limit"
          value={form.maxPriceCompletion}
          error={errors.maxPriceCompletion}
          onChange={(v) => set("maxPriceCompletion", v)}
        />
      </div>
    </fieldset>
  );
}

/** A list whose items can be moved up and removed. */
function OrderedList({
  testId,
  items,
  label,
  onChange,
  reorderable = true,
}: {
  testId: string;
  items: string[];
  label: (item: string) => string;
  onChange: (items: string[]) => void;
  reorderable?: boolean;
}) {
  if (items.length === 0) return null;
  return (
    <ol data-testid={`${testId}-list`} className="grid gap-1">
      {items.map((item, index) => (
        <li
          key={item}
          data-testid={`${testId}-item`}
          data-value={item}
          className="flex items-center gap-1 rounded-md border border-border px-2 py-0.5 text-sm"
        >
          <span className="w-4 text-xs text-muted-foreground tabular-nums">{reorderable ? `${index + 1}.` : "•"}</span>
          <span className="min-w-0 flex-1 truncate">{label(item)}</span>
          {reorderable && (
            <Button
              type="button"
              variant="ghost"
              size="icon-sm"
              className="size-6"
              data-testid={`${testId}-up`}
              aria-label={`Move ${item} up`}
              disabled={index === 0}
              onClick={() => {
                const next = [...items];
                [next[index - 1], next[index]] = [next[index], next[index - 1]];
                onChange(next);
              }}
            >
              <ArrowUp aria-hidden className="size-3.5" />
            </Button>
          )}
          <Button
            type="button"
            variant="ghost"
            size="icon-sm"
            className="size-6"
            data-testid={`${testId}-remove`}
            aria-label={`Remove ${item}`}
            onClick={() => onChange(items.filter((x) => x !== item))}
          >
            <X aria-hidden className="size-3.5" />
          </Button>
        </li>
      ))}
    </ol>
  );
}

/** Provider names: picked from the model's providers or typed (checked like the server does). */
function ProviderListField({
  id,
  testId,
  label,
  hint,
  items,
  max,
  suggestions,
  onChange,
  reorderable = false,
}: {
  id: string;
  testId: string;
  label: string;
  hint: string;
  items: string[];
  max: number;
  suggestions: string[];
  onChange: (items: string[]) => void;
  reorderable?: boolean;
}) {
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<string | null>(null);
  const listId = `${id}-providers`;
  const add = () => {
    const name = draft.trim();
    if (!name) return;
    if (name.length > 100 || !PROVIDER_NAME.test(name)) return setError("Not a provider name.");
    if (items.some((x) => x.toLowerCase() === name.toLowerCase())) return setError("Already in the list.");
    if (items.length >= max) return setError(`At most ${max} providers.`);
    onChange([...items, name]);
    setDraft("");
    setError(null);
  };
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id}>
        {label} <span className="font-normal text-muted-foreground">({hint})</span>
      </Label>
      <OrderedList testId={testId} items={items} label={(x) => x} onChange={onChange} reorderable={reorderable} />
      <div className="flex gap-2">
        <Input
          id={id}
          data-testid={`${testId}-input`}
          list={listId}
          placeholder={suggestions.length > 0 ? `e.g. ${suggestions[0]}` : "Provider name"}
          autoComplete="off"
          value={draft}
          aria-invalid={!!error || undefined}
          className="h-8"
          onChange={(event) => {
            setDraft(event.target.value);
            setError(null);
          }}
          onKeyDown={(event) => {
            // Enter adds the provider instead of submitting the dialog.
            if (event.key === "Enter") {
              event.preventDefault();
              add();
            }
          }}
        />
        <datalist id={listId}>
          {suggestions
            .filter((s) => !items.includes(s))
            .map((s) => (
              <option key={s} value={s} />
            ))}
        </datalist>
        <Button type="button" size="sm" variant="outline" data-testid={`${testId}-add`} onClick={add} disabled={!draft.trim()}>
          Add
        </Button>
      </div>
      {error && (
        <p data-testid={`${testId}-error`} className="text-xs text-destructive">
          {error}
        </p>
      )}
    </div>
  );
}

function SwitchRow({
  id,
  testId,
  label,
  checked,
  onChange,
}: {
  id: string;
  testId: string;
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
}) {
  return (
    <div className="flex items-center gap-2">
      <Switch id={id} data-testid={testId} checked={checked} onCheckedChange={onChange} />
      <Label htmlFor={id} className="font-normal">
        {label}
      </Label>
    </div>
  );
}
