"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { formatTime, keyStatus } from "@/components/account/api";
import { RevokeKeyDialog } from "@/components/account/revoke-key-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toaster";
import type { AdminApiKeyView } from "@/lib/api-keys/schemas";
import { adminRequest } from "./api";

/** Every user's keys (never their values): owner, name, prefix, use and status, with Revoke. */
export function ApiKeysAdminTable({ keys }: { keys: AdminApiKeyView[] }) {
  const router = useRouter();
  const [revoking, setRevoking] = useState<AdminApiKeyView | null>(null);
  if (keys.length === 0) {
    return (
      <p className="text-sm text-muted-foreground" data-testid="admin-api-keys-empty">
        No one has created an API key yet.
      </p>
    );
  }
  return (
    <>
      <Table data-testid="admin-api-keys">
        <TableHeader>
          <TableRow>
            <TableHead>Owner</TableHead>
            <TableHead>Key</TableHead>
            <TableHead>Created</TableHead>
            <TableHead>Last used</TableHead>
            <TableHead>Status</TableHead>
            <TableHead>
              <span className="sr-only">Actions</span>
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {keys.map((key) => {
            const status = keyStatus(key);
            return (
              <TableRow key={key.id} data-testid="admin-api-key-row" data-key-id={key.id} data-email={key.userEmail} data-status={status}>
                <TableCell className="max-w-56 truncate text-sm">{key.userEmail}</TableCell>
                <TableCell className="max-w-48">
                  <div className="truncate font-medium">{key.name}</div>
                  <div className="font-mono text-xs text-muted-foreground">{key.prefix}…</div>
                </TableCell>
                <TableCell className="text-xs whitespace-nowrap">{formatTime(key.createdAt)}</TableCell>
                <TableCell className="text-xs whitespace-nowrap">{key.lastUsedAt ? formatTime(key.lastUsedAt) : "never"}</TableCell>
                <TableCell>
                  <Badge
                    variant={status === "active" ? "success" : status === "revoked" ? "destructive" : "secondary"}
                    data-testid="admin-api-key-status"
                  >
                    {status}
                  </Badge>
                </TableCell>
                <TableCell className="text-right">
                  {status !== "revoked" && (
                    <Button
                      type="button"
                      size="sm"
                      variant="outline"
                      onClick={() => setRevoking(key)}
                      data-testid="admin-api-key-revoke"
                      aria-label={`Revoke ${key.name} of ${key.userEmail}`}
                    >
                      Revoke
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      <RevokeKeyDialog
        target={revoking}
        who={revoking?.userEmail}
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          if (!revoking) return;
          await adminRequest(`/api/admin/keys/${encodeURIComponent(revoking.id)}`, "DELETE");
          toast({ title: `${revoking.name} of ${revoking.userEmail} is revoked`, variant: "success" });
          setRevoking(null);
          router.refresh();
        }}
      />
    </>
  );
}
