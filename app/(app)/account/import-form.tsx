"use client";

import { useRef, useState } from "react";
import { Upload } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import { toast } from "@/components/ui/toaster";
import { describeError } from "@/lib/errors";
import { CONVERSATIONS_CHANGED_EVENT, type ImportResponse } from "@/lib/history/types";

/** Kept in step with the server's limit (lib/history/import.ts), to refuse early. */
const MAX_BYTES = 50 * 1024 * 1024;

type Status = { kind: "idle" } | { kind: "busy"; name: string } | { kind: "done"; result: ImportResponse } | { kind: "error"; message: string };

export function ImportForm() {
  const inputRef = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<Status>({ kind: "idle" });

  const upload = async (file: File) => {
    if (file.size > MAX_BYTES) {
      setStatus({ kind: "error", message: "That file is larger than 50 MB." });
      return;
    }
    setStatus({ kind: "busy", name: file.name });
    try {
      const response = await fetch("/api/account/import", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: file,
      });
      const body: unknown = await response.json().catch(() => null);
      if (!response.ok) throw new Error(describeError(body).message);
      const result = body as ImportResponse;
      setStatus({ kind: "done", result });
      window.dispatchEvent(new CustomEvent(CONVERSATIONS_CHANGED_EVENT, { detail: null }));
      toast({ title: "Import finished", variant: "success", description: summary(result) });
    } catch (error) {
      setStatus({ kind: "error", message: error instanceof Error ? error.message : "The import failed." });
    } finally {
      if (inputRef.current) inputRef.current.value = "";
    }
  };

  return (
    <div className="flex flex-col gap-3">
      <input
        ref={inputRef}
        type="file"
        accept="application/json,.json"
        className="sr-only"
        data-testid="import-file"
        aria-label="Export file to import"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void upload(file);
        }}
      />
      <div>
        <Button
          type="button"
          variant="outline"
          disabled={status.kind === "busy"}
          onClick={() => inputRef.current?.click()}
          data-testid="import-button"
        >
          {status.kind === "busy" ? <Spinner size="sm" label={null} /> : <Upload className="size-4" aria-hidden />}
          {status.kind === "busy" ? `Importing ${status.name}…` : "Import a JSON export"}
        </Button>
      </div>
      <p role="status" aria-live="polite" className="text-sm" data-testid="import-status">
        {status.kind === "done" && <span className="text-success">{summary(status.result)}</span>}
        {status.kind === "error" && <span className="text-destructive">{status.message}</span>}
      </p>
    </div>
  );
}

function summary(result: ImportResponse): string {
  const { conversations, messages } = result.imported;
  return `Imported ${conversations} conversation${conversations === 1 ? "" : "s"} (${messages} message${messages === 1 ? "" : "s"}).`;
}
