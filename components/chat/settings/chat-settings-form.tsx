"use client";

// The conversation settings form: the body of the settings dialog, fetched when the dialog first
// opens (components/chat/chat-settings.tsx) so the chat page's first load does not carry it.
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { DialogFooter } from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { setDefaultRouting, useModelPreferences } from "@/components/models/use-model-preferences";
import type { ConversationSettings, ReasoningEffort, RoutingSettings } from "@/lib/chat/types";
import { ReasoningEffortSelect } from "./chat-settings";
import { hasRouting, routingFromForm, routingToForm, routingToSave, type RoutingErrors, type RoutingForm } from "./routing-form";
import { NumberField } from "./number-field";
import { RoutingSettingsFields } from "./routing-settings";

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

type ChatSettingsFormProps = {
  settings: ConversationSettings;
  onSave: (settings: ConversationSettings) => void;
  onClose: () => void;
  supportsReasoning: boolean;
  modelId: string;
};

/** Mounted each time the dialog opens, so it starts from the saved settings. */
export function ChatSettingsForm({ settings, onSave, onClose, supportsReasoning, modelId }: ChatSettingsFormProps) {
  const prefs = useModelPreferences();
  const defaultRouting = prefs.defaultRouting ?? null;
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
  const inheritsDefault = !settings.routing && hasRouting(defaultRouting);

  const field = (key: keyof FormState) => `${ids}-${key}`;
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value }));

  return (
    <form
      className="grid gap-4"
      onSubmit={(event) => {
        event.preventDefault();
        if (invalid) return;
        onSave({ ...parsed.settings, routing: routingToSave(parsed.routing, defaultRouting) });
        onClose();
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
        <RoutingSettingsFields form={form.routing} errors={parsed.errors} modelId={modelId} onChange={(routing) => set("routing", routing)} />
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
        <Button type="button" variant="ghost" data-testid="settings-reset" onClick={() => setForm(toForm({}, defaultRouting))}>
          Reset to defaults
        </Button>
        <div className="flex flex-col-reverse gap-2 sm:flex-row">
          <Button type="button" variant="outline" data-testid="settings-cancel" onClick={() => onClose()}>
            Cancel
          </Button>
          <Button type="submit" data-testid="settings-save" disabled={invalid}>
            Save
          </Button>
        </div>
      </DialogFooter>
    </form>
  );
}
