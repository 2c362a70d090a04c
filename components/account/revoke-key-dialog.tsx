"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";

/** "Revoke this key?": the one confirmation before a key stops working for good. */
export function RevokeKeyDialog({
  target,
  who,
  onConfirm,
  onClose,
}: {
  target: { name: string; prefix: string } | null;
  /** Whose key, when it is not the reader's own (the admin's table). */
  who?: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog
      open={target !== null}
      onOpenChange={(open) => {
        if (!open) {
          setError(null);
          onClose();
        }
      }}
    >
      <DialogContent data-testid="revoke-key-dialog">
        <DialogHeader>
          <DialogTitle>Revoke {target?.name}?</DialogTitle>
          <DialogDescription>
            The key <code className="font-mono">{target?.prefix}…</code>
            {who ? ` of ${who}` : ""} stops working at once, everywhere it is used. This cannot be undone; its usage stays in spend.
          </DialogDescription>
        </DialogHeader>
        {error && (
          <p role="alert" className="text-sm text-destructive" data-testid="revoke-key-error">
            {error}
          </p>
        )}
        <DialogFooter>
          <Button type="button" variant="outline" onClick={onClose} disabled={busy}>
            Keep it
          </Button>
          <Button
            type="button"
            variant="destructive"
            disabled={busy}
            data-testid="revoke-key-confirm"
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                await onConfirm();
              } catch (e) {
                setError((e as Error).message);
              } finally {
                setBusy(false);
              }
            }}
          >
            Revoke key
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
