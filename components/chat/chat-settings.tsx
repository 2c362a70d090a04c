"use client";

import { useId, useState } from "react";
import { Brain, ChevronDown, SlidersHorizontal } from "lucide-react";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { fieldClassName } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { setDefaultRouting, useModelPreferences } from "@/components/models/use-model-preferences";
import type { ConversationSettings, ReasoningEffort, RoutingSettings } from "@/lib/chat/types";
import { cn } from "@/lib/utils";
import { hasRouting, routingFromForm, routingToForm, routingToSave, type RoutingErrors, type RoutingForm } from "./routing-form";
import { NumberField } from "./number-field";
import { RoutingSettingsFields } from "./routing-settings";

const DEFAULT_EFFORT = "default";
/** lib/chat/types.ts's `reasoningEfforts`, repeated so this client file does not pull zod in with it. */
const reasoningEfforts = ["low", "medium", "high"] as const satisfies readonly ReasoningEffort[];

function isEffort(value: string): value is ReasoningEffort {
  return (reasoningEfforts as readonly string[]).includes(value);
}

/** Whether any setting differs from the model's defaults. */
export function hasCustomSettings(settings: ConversationSettings): boolean {
  return (
    !!settings.systemPrompt ||
    settings.temperature != null ||
    settings.maxTokens != null ||
    settings.topP != null ||
    settings.reasoningEffort != null ||
    hasRouting(settings.routing)
  );
}

type ReasoningEffortSelectProps = {
  value: ReasoningEffort | null | undefined;
  onChange: (value: ReasoningEffort | null) => void;
  id?: string;
  testId?: string;
  className?: string;
};

/**
 * Reasoning effort: the model's default, low, medium or high. A native <select>: fully
 * keyboard- and screen-reader-friendly, and no extra JavaScript on the chat page's first load.
 */
export function ReasoningEffortSelect({ value, onChange, id, testId = "reasoning-effort", className }: ReasoningEffortSelectProps) {
  return (
    <span className={cn("relative inline-flex items-center", className)}>
      <Brain aria-hidden className="pointer-events-none absolute left-2 size-3.5 text-muted-foreground" />
      <select
        id={id}
        data-testid={testId}
        aria-label="Reasoning effort"
        title="Reasoning effort"
        value={value ?? DEFAULT_EFFORT}
        onChange={(event) => {
          const next = event.target.value;
          onChange(isEffort(next) ? next : null);
        }}
        className={cn(fieldClassName, "h-8 w-full appearance-none py-0 pr-7 pl-7 text-sm md:text-sm")}
      >
        <option value={DEFAULT_EFFORT}>Default effort</option>
        {reasoningEfforts.map((effort) => (
          <option key={effort} value={effort}>
            {effort[0].toUpperCase() + effort.slice(1)} effort
          </option>
        ))}
      </select>
      <ChevronDown aria-hidden className="pointer-events-none absolute right-2 size-3.5 opacity-60" />
    </span>
  );
}

type FormState = {
  systemPrompt: string;
  temperature: string;
  maxTokens: string;
  topP: string;
  reasoningEffort: ReasoningEffort | null;
  routing: RoutingForm;
};

/** The form for these settings; a conversation without routing of its own shows the user's default. */
function toForm(settings: ConversationSettings, defaultRouting: RoutingSettings | null): FormState {
  return {
    systemPrompt: settings.systemPrompt ?? "",
    temperature: settings.temperature != null ? String(settings.temperature) : "",
    maxTokens: settings.maxTokens != null ? String(settings.maxTokens) : "",
    topP: settings.topP != null ? String(settings.topP) : "",
    reasoningEffort: settings.reasoningEffort ?? null,
    routing: routingToForm(settings.routing ?? defaultRouting),
  };
}

type Parsed = {
  settings: Omit<ConversationSettings, "routing">;
  routing: RoutingSettings | null;
  errors: Partial<Record<Exclude<keyof FormState, "routing">, string>> & RoutingErrors;
};

function parseNumber(text: string, min: number, max: number, integer: boolean): { value: number | null; error?: string } {
  const trimmed = text.trim();
  if (!trimmed) return { value: null };
  const n = Number(trimmed);
  if (!Number.isFinite(n)) return { value: null, error: "Enter a number." };
  if (integer && !Number.isInteger(n)) return { value: null, error: "Enter a whole number." };
  if (n < min || n > max) return { value: null, error: `Between ${min} and ${max.toLocaleString("en-US")}.` };
  return { value: n };
}

function fromForm(form: FormState, modelId: string): Parsed {
  const temperature = parseNumber(form.temperature, 0, 2, false);
  const maxTokens = parseNumber(form.maxTokens, 1, 1_000_000, true);
  const topP = parseNumber(form.topP, 0, 1, false);
  const errors: Parsed["errors"] = {};
  if (temperature.error) errors.temperature = temperature.error;
  if (maxTokens.error) errors.maxTokens = maxTokens.error;
  if (topP.error) errors.topP = topP.error;
  if (form.systemPrompt.length > 20_000) errors.systemPrompt = "At most 20,000 characters.";
  const routing = routingFromForm(form.routing, modelId);
  Object.assign(errors, routing.errors);
  return {
    routing: routing.routing,
    settings: {
      systemPrompt: form.systemPrompt.trim() ? form.systemPrompt : null,
      temperature: temperature.value,
      maxTokens: maxTokens.value,
      topP: topP.value,
      reasoningEffort: form.reasoningEffort,
    },
    errors,
  };
}

type ChatSettingsProps = {
  settings: ConversationSettings;
  onSave: (settings: ConversationSettings) => void;
  /** The selected model supports reasoning: offer the effort control. */
  supportsReasoning: boolean;
  modelLabel: string;
  modelId: string;
};

/** Per-conversation generation settings; applied to the next message and saved with the conversation. */
export function ChatSettings({ settings, onSave, supportsReasoning, modelLabel, modelId }: ChatSettingsProps) {
  const prefs = useModelPreferences();
  const defaultRouting = prefs.defaultRouting ?? null;
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState<FormState>(() => toForm(settings, defaultRouting));
  const [defaultNote, setDefaultNote] = useState<string | null>(null);
  // On a fresh page the user's default routing can arrive after the dialog opened: show it,
  // unless the form was already edited.
  const [formDefault, setFormDefault] = useState(defaultRouting);
  if (formDefault !== defaultRouting) {
    setFormDefault(defaultRouting);
    if (JSON.stringify(form) === JSON.stringify(toForm(settings, formDefault))) setForm(toForm(settings, defaultRouting));
  }
  const ids = useId();
  const parsed = fromForm(form, modelId);
  const invalid = Object.keys(parsed.errors).length > 0;
  const custom = hasCustomSettings(settings);
  const inheritsDefault = !settings.routing && hasRouting(defaultRouting);

  const field = (key: keyof FormState) => `${ids}-${key}`;
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value }));

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (next) {
          setForm(toForm(settings, defaultRouting));
          setDefaultNote(null);
        }
        setOpen(next);
      }}
    >
      <DialogTrigger asChild>
        <Button
          type="button"
          variant="ghost"
          size="icon-sm"
          data-testid="chat-settings-button"
          data-custom={custom || undefined}
          aria-label={custom ? "Conversation settings (customized)" : "Conversation settings"}
          title="Conversation settings"
          className="relative"
        >
          <SlidersHorizontal aria-hidden />
          {custom && <span aria-hidden className="absolute top-1 right-1 size-1.5 rounded-full bg-primary" />}
        </Button>
      </DialogTrigger>
      <DialogContent data-testid="chat-settings" className="max-h-[90vh] max-w-xl overflow-y-auto">
        <DialogHeader>
          <DialogTitle>Conversation settings</DialogTitle>
          <DialogDescription>
            Used for the next message and saved with this conversation. Empty fields use {modelLabel}&apos;s defaults.
          </DialogDescription>
        </DialogHeader>
        <form
          className="grid gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            if (invalid) return;
            onSave({ ...parsed.settings, routing: routingToSave(parsed.routing, defaultRouting) });
            setOpen(false);
          }}
        >
          <div className="grid gap-1.5">
            <Label htmlFor={field("systemPrompt")}>System prompt</Label>
            <Textarea
              id={field("systemPrompt")}
              data-testid="settings-system-prompt"
              className="max-h-64 min-h-24"
              autoGrow
              placeholder="You are a helpful assistant."
              value={form.systemPrompt}
              aria-invalid={!!parsed.errors.systemPrompt || undefined}
              onChange={(event) => set("systemPrompt", event.target.value)}
            />
            {parsed.errors.systemPrompt && <p className="text-xs text-destructive">{parsed.errors.systemPrompt}</p>}
          </div>
          <div className="grid gap-4 sm:grid-cols-3">
            <NumberField
              id={field("temperature")}
              label="Temperature"
              hint="0 – 2"
              testId="settings-temperature"
              step="0.1"
              value={form.temperature}
              error={parsed.errors.temperature}
              placeholder="Default"
              onChange={(v) => set("temperature", v)}
            />
            <NumberField
              id={field("maxTokens")}
              label="Max tokens"
              hint="answer length"
              testId="settings-max-tokens"
              step="1"
              value={form.maxTokens}
              error={parsed.errors.maxTokens}
              placeholder="Default"
              onChange={(v) => set("maxTokens", v)}
            />
            <NumberField
              id={field("topP")}
              label="Top-p"
              hint="0 – 1"
              testId="settings-top-p"
              step="0.05"
              value={form.topP}
              error={parsed.errors.topP}
              placeholder="Default"
              onChange={(v) => set("topP", v)}
            />
          </div>
          {supportsReasoning && (
            <div className="grid gap-1.5">
              <Label htmlFor={field("reasoningEffort")}>Reasoning effort</Label>
              <ReasoningEffortSelect
                id={field("reasoningEffort")}
                testId="settings-reasoning-effort"
                value={form.reasoningEffort}
                onChange={(v) => set("reasoningEffort", v)}
                className="w-48"
              />
            </div>
          )}
          <div className="grid gap-2">
            {inheritsDefault && (
              <p data-testid="routing-inherits-default" className="text-xs text-muted-foreground">
                This conversation uses your default routing.
              </p>
            )}
            <RoutingSettingsFields
              form={form.routing}
              errors={parsed.errors}
              modelId={modelId}
              onChange={(routing) => set("routing", routing)}
            />
            <div className="flex flex-wrap items-center gap-2">
              <Button
                type="button"
                size="sm"
                variant="outline"
                data-testid="routing-save-default"
                disabled={!!parsed.errors.maxPricePrompt || !!parsed.errors.maxPriceCompletion || !prefs.loaded}
                onClick={() => {
                  void setDefaultRouting(parsed.routing).then((saved) => {
                    if (saved) setDefaultNote(parsed.routing ? "Saved as your default for new conversations." : "Your default routing is cleared.");
                  });
                }}
              >
                Use this routing as my default
              </Button>
              {hasRouting(defaultRouting) && (
                <Button
                  type="button"
                  size="sm"
                  variant="ghost"
                  data-testid="routing-clear-default"
                  onClick={() => {
                    void setDefaultRouting(null).then((saved) => {
                      if (saved) setDefaultNote("Your default routing is cleared.");
                    });
                  }}
                >
                  Clear my default
                </Button>
              )}
              {defaultNote && (
                <p data-testid="routing-default-note" role="status" className="text-xs text-muted-foreground">
                  {defaultNote}
                </p>
              )}
            </div>
          </div>
          <DialogFooter className="sm:justify-between">
            <Button
              type="button"
              variant="ghost"
              data-testid="settings-reset"
              onClick={() => setForm(toForm({}, defaultRouting))}
            >
              Reset to defaults
            </Button>
            <div className="flex flex-col-reverse gap-2 sm:flex-row">
              <Button type="button" variant="outline" data-testid="settings-cancel" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button type="submit" data-testid="settings-save" disabled={invalid}>
                Save
              </Button>
            </div>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
