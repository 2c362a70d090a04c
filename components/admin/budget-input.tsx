"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { nanoToUsdInput, parseUsdInput } from "@/lib/spend/format";

/**
 * A dollar amount with Save: empty means "none" (no limit, or follow the default). Reports
 * nano-USD as a decimal string, or null.
 */
export function BudgetInput({
  valueNano,
  placeholder,
  label,
  onSave,
  testIdPrefix,
}: {
  valueNano: string | null;
  placeholder: string;
  label: string;
  onSave: (nano: string | null) => Promise<void>;
  testIdPrefix: string;
}) {
  const [value, setValue] = useState(nanoToUsdInput(valueNano));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const dirty = value.trim() !== nanoToUsdInput(valueNano);

  const save = async () => {
    let nano: string | null = null;
    if (value.trim() !== "") {
      try {
        nano = parseUsdInput(value).toString();
      } catch (e) {
        setError((e as Error).message);
        return;
      }
    }
    setSaving(true);
    setError(null);
    try {
      await onSave(nano);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="flex flex-col gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="flex items-center gap-1">
        <span className="text-muted-foreground" aria-hidden>
          $
        </span>
        <Input
          aria-label={label}
          inputMode="decimal"
          value={value}
          placeholder={placeholder}
          onChange={(e) => setValue(e.target.value)}
          className="h-8 w-28"
          aria-invalid={error !== null}
          data-testid={`${testIdPrefix}-input`}
        />
        <Button type="submit" size="sm" variant={dirty ? "default" : "outline"} disabled={saving || !dirty} data-testid={`${testIdPrefix}-save`}>
          Save
        </Button>
      </div>
      {error && (
        <p className="text-xs text-destructive" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
