"use client";

import { useId, useState } from "react";
import type { z } from "zod";
import { useModelCatalog } from "@/components/models/use-model-catalog";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { aliasCreateSchema, aliasFieldsSchema, MAX_ALIAS_FALLBACKS, type AliasView } from "@/lib/model-aliases/types";

/** The first problem zod found, as a sentence naming the field. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "The alias is not valid.";
  const field = issue.path[0];
  const names: Record<string, string> = {
    name: "Name",
    model: "Model",
    fallbacks: "Fallbacks",
    provider: "Provider preferences",
    description: "Description",
  };
  const label = typeof field === "string" ? names[field] : undefined;
  return label ? `${label}: ${issue.message}` : issue.message;
}

/**
 * Add an alias, or edit one (its name then fixed): a target model from the catalog, optional
 * fallbacks, provider preferences as a small JSON object, a description. Checked here with the
 * server's own schemas; the server then checks the models against the catalog.
 */
export function AliasForm({
  alias,
  onSubmit,
  submitLabel,
}: {
  alias?: AliasView;
  onSubmit: (body: Record<string, unknown>, name: string) => Promise<void>;
  submitLabel: string;
}) {
  const id = useId();
  const catalog = useModelCatalog();
  const [name, setName] = useState(alias?.name ?? "");
  const [model, setModel] = useState(alias?.model ?? "");
  const [fallbacks, setFallbacks] = useState(alias?.fallbacks.join(", ") ?? "");
  const [provider, setProvider] = useState(alias?.provider ? JSON.stringify(alias.provider, null, 2) : "");
  const [description, setDescription] = useState(alias?.description ?? "");
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const editing = alias !== undefined;

  const submit = async () => {
    let providerValue: unknown = null;
    if (provider.trim() !== "") {
      try {
        providerValue = JSON.parse(provider);
      } catch {
        return setError('Provider preferences: not valid JSON. Example: {"order": ["OpenAI"], "allow_fallbacks": false}');
      }
    }
    const fields = {
      model: model.trim(),
      fallbacks: fallbacks
        .split(/[\s,]+/)
        .map((f) => f.trim())
        .filter(Boolean),
      provider: providerValue,
      description: description.trim(),
    };
    const parsed = editing ? aliasFieldsSchema.safeParse(fields) : aliasCreateSchema.safeParse({ name: name.trim(), ...fields });
    if (!parsed.success) return setError(firstIssue(parsed.error));
    setSaving(true);
    setError(null);
    try {
      await onSubmit(editing ? fields : { name: name.trim(), ...fields }, editing ? alias.name : name.trim());
      if (!editing) {
        setName("");
        setModel("");
        setFallbacks("");
        setProvider("");
        setDescription("");
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="grid gap-3"
      data-testid={editing ? "alias-edit-form" : "alias-add-form"}
      aria-label={editing ? `Edit alias ${alias.name}` : "Add an alias"}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <datalist id={`${id}-models`}>
        {catalog.models.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
          </option>
        ))}
      </datalist>
      <div className="grid gap-3 sm:grid-cols-2">
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-name`}>Name</Label>
          <Input
            id={`${id}-name`}
            value={name}
            disabled={editing}
            placeholder="team-default"
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setName(e.target.value)}
            data-testid="alias-name"
          />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-model`}>Model</Label>
          <Input
            id={`${id}-model`}
            list={`${id}-models`}
            value={model}
            placeholder="openai/gpt-4o-mini"
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setModel(e.target.value)}
            data-testid="alias-model"
          />
        </div>
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-fallbacks`}>Fallback models (optional, up to {MAX_ALIAS_FALLBACKS}, comma-separated)</Label>
        <Input
          id={`${id}-fallbacks`}
          value={fallbacks}
          placeholder="anthropic/claude-haiku-4.5, google/gemini-2.5-flash"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setFallbacks(e.target.value)}
          data-testid="alias-fallbacks"
        />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-provider`}>Provider preferences (optional JSON)</Label>
        <Textarea
          id={`${id}-provider`}
          value={provider}
          rows={3}
          className="font-mono text-xs"
          placeholder='{"order": ["OpenAI", "Azure"], "allow_fallbacks": true, "sort": "price", "data_collection": "deny"}'
          spellCheck={false}
          onChange={(e) => setProvider(e.target.value)}
          data-testid="alias-provider"
        />
        <p className="text-xs text-muted-foreground">
          OpenRouter&apos;s fields: <code>order</code>, <code>only</code>, <code>ignore</code> (provider names), <code>allow_fallbacks</code>,{" "}
          <code>sort</code> (price, throughput, latency), <code>data_collection</code> (allow, deny).
        </p>
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-description`}>Description (optional)</Label>
        <Input
          id={`${id}-description`}
          value={description}
          placeholder="What the team uses by default"
          onChange={(e) => setDescription(e.target.value)}
          data-testid="alias-description"
        />
      </div>
      {error && (
        <p role="alert" className="text-sm text-destructive" data-testid="alias-form-error">
          {error}
        </p>
      )}
      <div>
        <Button type="submit" disabled={saving} data-testid="alias-submit">
          {saving ? "Saving…" : submitLabel}
        </Button>
      </div>
    </form>
  );
}
