"use client";

import { TriangleAlert } from "lucide-react";
import { CopyButton } from "@/components/chat/message/copy-button";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import type { ApiKeyView } from "./api";

/** The one time the whole key is shown: with a copy button and the base URL to paste beside it. */
export function NewKeyDialog({ created, onClose }: { created: { key: string; apiKey: ApiKeyView } | null; onClose: () => void }) {
  const baseURL = typeof window === "undefined" ? "/api/v1" : `${window.location.origin}/api/v1`;
  return (
    <Dialog open={created !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent data-testid="new-key-dialog" closeLabel="Close: I have copied the key">
        <DialogHeader>
          <DialogTitle>Your new API key{created ? `: ${created.apiKey.name}` : ""}</DialogTitle>
          <DialogDescription>Use it as a Bearer token with any OpenAI-compatible client.</DialogDescription>
        </DialogHeader>
        {created && (
          <div className="grid gap-4">
            <Alert variant="warning" data-testid="new-key-once">
              <TriangleAlert aria-hidden />
              <AlertDescription>
                Copy it now: you won&apos;t see it again. Switchboard keeps only a fingerprint of it; if you lose it, revoke it and create another.
              </AlertDescription>
            </Alert>
            <div className="grid gap-1">
              <span className="text-sm font-medium" id="new-key-label">
                API key
              </span>
              <div className="flex items-center gap-2 rounded-md border border-border bg-muted/40 px-3 py-2">
                <code className="min-w-0 flex-1 font-mono text-sm break-all select-all" aria-labelledby="new-key-label" data-testid="new-key-value">
                  {created.key}
                </code>
                <CopyButton getText={() => created.key} label="Copy the API key" data-testid="new-key-copy" />
              </div>
            </div>
            <div className="grid gap-1">
              <span className="text-sm font-medium" id="new-key-base-label">
                Base URL
              </span>
              <div className="flex items-center gap-2 rounded-md border border-border bg-muted/40 px-3 py-2">
                <code className="min-w-0 flex-1 font-mono text-sm break-all" aria-labelledby="new-key-base-label" data-testid="new-key-base-url">
                  {baseURL}
                </code>
                <CopyButton getText={() => baseURL} label="Copy the base URL" />
              </div>
              <p className="text-xs text-muted-foreground">
                For example{" "}
                <code className="font-mono">
                  new OpenAI({"{"} baseURL, apiKey {"}"})
                </code>
                , or <code className="font-mono">Authorization: Bearer &lt;key&gt;</code> with curl.
              </p>
            </div>
          </div>
        )}
        <DialogFooter>
          <Button type="button" onClick={onClose} data-testid="new-key-done">
            I have copied it
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
