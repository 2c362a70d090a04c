"use client";

import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { cn } from "@/lib/utils";

/** A labelled decimal input of the settings dialog, with its range or unit as a hint and its error below. */
export function NumberField({
  id,
  label,
  hint,
  testId,
  step,
  placeholder,
  value,
  error,
  onChange,
}: {
  id: string;
  label: string;
  hint: string;
  testId: string;
  step?: string;
  /** What an empty field means ("Default", "No limit"). */
  placeholder: string;
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
        placeholder={placeholder}
        value={value}
        aria-invalid={!!error || undefined}
        className={cn(error && "border-destructive")}
        onChange={(event) => onChange(event.target.value)}
      />
      {error && <p className="text-xs text-destructive">{error}</p>}
    </div>
  );
}
