"use client";

import { lazy, Suspense, useState } from "react";
import { Brain, ChevronDown, SlidersHorizontal } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { fieldClassName } from "@/components/ui/input";
import type { ConversationSettings, ReasoningEffort } from "@/lib/chat/types";
import { cn } from "@/lib/utils";
import { hasRouting } from "./routing-form";

// The form (with the routing fields and their model lookups) is its own chunk, fetched when the
// pointer nears the button or the dialog opens.
const loadSettingsForm = () => import("./chat-settings-form");
const ChatSettingsForm = lazy(() => loadSettingsForm().then((m) => ({ default: m.ChatSettingsForm })));

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
  const [open, setOpen] = useState(false);
  const custom = hasCustomSettings(settings);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
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
          onPointerEnter={() => void loadSettingsForm()}
          onFocus={() => void loadSettingsForm()}
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
        <Suspense fallback={<p className="text-sm text-muted-foreground">Loading the settings…</p>}>
          <ChatSettingsForm
            settings={settings}
            onSave={onSave}
            onClose={() => setOpen(false)}
            supportsReasoning={supportsReasoning}
            modelId={modelId}
          />
        </Suspense>
      </DialogContent>
    </Dialog>
  );
}
