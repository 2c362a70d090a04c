"use client";

import { useId, useState } from "react";
import { KeyRound } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { nanoToUsdInput, parseUsdInput } from "@/lib/spend/format";
import { createKey, type ApiKeyView } from "./api";
import { ModelAllowList } from "./model-allow-list";

const MAX_NAME = 100;

/** Today as YYYY-MM-DD in UTC (the earliest expiry the date field offers). */
function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** A key chosen to expire on a day works until the end of that day, UTC. */
function endOfDayUtc(day: string): string {
  return new Date(`${day}T23:59:59.999Z`).toISOString();
}

/** Name, optional expiry, allow-list, monthly cap and "keep a log": creates the key. */
export function CreateKeyForm({ onCreated, disabled }: { onCreated: (created: { key: string; apiKey: ApiKeyView }) => void; disabled?: boolean }) {
  const id = useId();
  const [name, setName] = useState("");
  const [expires, setExpires] = useState("");
  const [allowed, setAllowed] = useState<string[]>([]);
  const [cap, setCap] = useState("");
  const [keepLog, setKeepLog] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const submit = async () => {
    const trimmed = name.trim();
    if (!trimmed) return setError("Give the key a name, so you can tell it from your others.");
    if (trimmed.length > MAX_NAME) return setError(`A key's name has at most ${MAX_NAME} characters.`);
    if (expires && expires < todayUtc()) return setError("Choose an expiry date from today on.");
    let monthlyCapUsd: string | null = null;
    if (cap.trim() !== "") {
      try {
        // "12." or "$5" as typed becomes the plain amount the API reads ("12", "5").
        monthlyCapUsd = nanoToUsdInput(parseUsdInput(cap)) || "0";
      } catch (e) {
        return setError((e as Error).message);
      }
    }
    setSaving(true);
    setError(null);
    try {
      const created = await createKey({
        name: trimmed,
        expiresAt: expires ? endOfDayUtc(expires) : null,
        allowedModels: allowed,
        monthlyCapUsd,
        keepLog,
      });
      setName("");
      setExpires("");
      setAllowed([]);
      setCap("");
      setKeepLog(false);
      onCreated(created);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="grid gap-4 rounded-lg border border-border p-4"
      data-testid="create-key-form"
      aria-label="Create an API key"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-name`}>Name</Label>
        <Input
          id={`${id}-name`}
          value={name}
          maxLength={MAX_NAME + 20}
          placeholder="e.g. laptop notebooks, CI evals"
          onChange={(e) => setName(e.target.value)}
          data-testid="create-key-name"
        />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-expires`}>Expires (optional, end of day UTC)</Label>
          <Input
            id={`${id}-expires`}
            type="date"
            min={todayUtc()}
            value={expires}
            onChange={(e) => setExpires(e.target.value)}
            data-testid="create-key-expires"
          />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-cap`}>Monthly cap in USD (optional)</Label>
          <Input
            id={`${id}-cap`}
            inputMode="decimal"
            placeholder="only your budget"
            value={cap}
            onChange={(e) => setCap(e.target.value)}
            data-testid="create-key-cap"
          />
        </div>
      </div>
      <div className="grid gap-1.5">
        <span id={`${id}-models`} className="text-sm leading-none font-medium">
          Models this key may use (optional)
        </span>
        <ModelAllowList value={allowed} onChange={setAllowed} labelId={`${id}-models`} />
      </div>
      <div className="flex items-start gap-2">
        <input
          id={`${id}-log`}
          type="checkbox"
          className="mt-0.5 size-4 accent-primary"
          checked={keepLog}
          onChange={(e) => setKeepLog(e.target.checked)}
          data-testid="create-key-keep-log"
        />
        <div className="grid gap-0.5">
          <Label htmlFor={`${id}-log`}>Keep a log of requests and answers</Label>
          <p className="text-xs text-muted-foreground">Only you can read it. Without it, only the usage and cost of each call is kept.</p>
        </div>
      </div>
      {error && (
        <p className="text-sm text-destructive" role="alert" data-testid="create-key-error">
          {error}
        </p>
      )}
      <div>
        <Button type="submit" disabled={saving || disabled} data-testid="create-key-submit">
          <KeyRound aria-hidden className="size-4" /> {saving ? "Creating…" : "Create key"}
        </Button>
      </div>
    </form>
  );
}
