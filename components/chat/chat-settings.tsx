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
import { fieldClassName, Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import type { ConversationSettings, ReasoningEffort } from "@/lib/chat/types";
import { cn } from "@/lib/utils";

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
    settings.reasoningEffort != null
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
};

function toForm(settings: ConversationSettings): FormState {
  return {
    systemPrompt: settings.systemPrompt ?? "",
    temperature: settings.temperature != null ? String(settings.temperature) : "",
    maxTokens: settings.maxTokens != null ? String(settings.maxTokens) : "",
    topP: settings.topP != null ? String(settings.topP) : "",
    reasoningEffort: settings.reasoningEffort ?? null,
  };
}

type Parsed = { settings: ConversationSettings; errors: Partial<Record<keyof FormState, string>> };

function parseNumber(text: string, min: number, max: number, integer: boolean): { value: number | null; error?: string } {
  const trimmed = text.trim();
  if (!trimmed) return { value: null };
  const n = Number(trimmed);
  if (!Number.isFinite(n)) return { value: null, error: "Enter a number." };
  if (integer && !Number.isInteger(n)) return { value: null, error: "Enter a whole number." };
  if (n < min || n > max) return { value: null, error: `Between ${min} and ${max.toLocaleString("en-US")}.` };
  return { value: n };
}

function fromForm(form: FormState): Parsed {
  const temperature = parseNumber(form.temperature, 0, 2, false);
  const maxTokens = parseNumber(form.maxTokens, 1, 1_000_000, true);
  const topP = parseNumber(form.topP, 0, 1, false);
  const errors: Parsed["errors"] = {};
  if (temperature.error) errors.temperature = temperature.error;
  if (maxTokens.error) errors.maxTokens = maxTokens.error;
  if (topP.error) errors.topP = topP.error;
  if (form.systemPrompt.length > 20_000) errors.systemPrompt = "At most 20,000 characters.";
  return {
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
};

/** Per-conversation generation settings; applied to the next message and saved with the conversation. */
export function ChatSettings({ settings, onSave, supportsReasoning, modelLabel }: ChatSettingsProps) {
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState<FormState>(() => toForm(settings));
  const ids = useId();
  const parsed = fromForm(form);
  const invalid = Object.keys(parsed.errors).length > 0;
  const custom = hasCustomSettings(settings);

  const field = (key: keyof FormState) => `${ids}-${key}`;
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value }));

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (next) setForm(toForm(settings));
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
      <DialogContent data-testid="chat-settings" className="max-w-xl">
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
            onSave(parsed.settings);
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
          <DialogFooter className="sm:justify-between">
            <Button
              type="button"
              variant="ghost"
              data-testid="settings-reset"
              onClick={() => setForm(toForm({}))}
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

function NumberField({
  id,
  label,
  hint,
  testId,
  step,
  value,
  error,
  onChange,
}: {
  id: string;
  label: string;
  hint: string;
  testId: string;
  step: string;
  value: string;
  error?: string;
  onChange: (value: string) => void;
}) {
  return (
    <div className="grid content-start gap-1.5">
      <Label htmlFor={id}>
        {label} <span className="font-normal text-muted-foreground">({hint})</span>
      </Label>
      <Input
        id={id}
        data-testid={testId}
        inputMode="decimal"
        step={step}
        placeholder="Default"
        value={value}
        aria-invalid={!!error || undefined}
        className={cn(error && "border-destructive")}
        onChange={(event) => onChange(event.target.value)}
      />
      {error && <p className="text-xs text-destructive">{error}</p>}
    </div>
  );
}
