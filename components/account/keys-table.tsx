"use client";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatUsd } from "@/lib/money";
import { formatTime, keyStatus, type ApiKeyView, type KeyStatus } from "./api";

const statusVariant: Record<KeyStatus, "success" | "secondary" | "destructive"> = { active: "success", expired: "secondary", revoked: "destructive" };

/** The owner's keys: only their prefix, when made and last used, their limits and status. */
export function KeysTable({
  keys,
  onRevoke,
  onOpenLog,
}: {
  keys: ApiKeyView[];
  onRevoke: (key: ApiKeyView) => void;
  onOpenLog: (key: ApiKeyView) => void;
}) {
  if (keys.length === 0) {
    return (
      <p className="text-sm text-muted-foreground" data-testid="api-keys-empty">
        You have no API keys yet.
      </p>
    );
  }
  return (
    <Table data-testid="api-keys-table">
      <TableHeader>
        <TableRow>
          <TableHead>Key</TableHead>
          <TableHead>Created</TableHead>
          <TableHead>Last used</TableHead>
          <TableHead>Expires</TableHead>
          <TableHead>Models</TableHead>
          <TableHead>Monthly cap</TableHead>
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
            <TableRow key={key.id} data-testid="api-key-row" data-key-id={key.id} data-status={status}>
              <TableCell className="max-w-48">
                <div className="truncate font-medium" data-testid="api-key-name">
                  {key.name}
                </div>
                <div className="font-mono text-xs text-muted-foreground" data-testid="api-key-prefix">
                  {key.prefix}…
                </div>
              </TableCell>
              <TableCell className="text-xs whitespace-nowrap">{formatTime(key.createdAt)}</TableCell>
              <TableCell className="text-xs whitespace-nowrap" data-testid="api-key-last-used">
                {key.lastUsedAt ? formatTime(key.lastUsedAt) : "never"}
              </TableCell>
              <TableCell className="text-xs whitespace-nowrap" data-testid="api-key-expires">
                {key.expiresAt ? formatTime(key.expiresAt) : "never"}
              </TableCell>
              <TableCell className="max-w-48 text-xs" data-testid="api-key-models">
                {key.allowedModels.length === 0 ? "all" : <span className="font-mono break-all">{key.allowedModels.join(", ")}</span>}
              </TableCell>
              <TableCell className="text-xs whitespace-nowrap" data-testid="api-key-cap">
                {key.monthlyCapNano === null ? "none" : formatUsd(key.monthlyCapNano)}
              </TableCell>
              <TableCell>
                <Badge variant={statusVariant[status]} data-testid="api-key-status">
                  {status}
                </Badge>
              </TableCell>
              <TableCell>
                <div className="flex justify-end gap-1">
                  {key.keepLog && (
                    <Button
                      type="button"
                      size="sm"
                      variant="ghost"
                      onClick={() => onOpenLog(key)}
                      data-testid="api-key-log"
                      aria-label={`Log of ${key.name}`}
                    >
                      Log
                    </Button>
                  )}
                  {status !== "revoked" && (
                    <Button
                      type="button"
                      size="sm"
                      variant="outline"
                      onClick={() => onRevoke(key)}
                      data-testid="api-key-revoke"
                      aria-label={`Revoke ${key.name}`}
                    >
                      Revoke
                    </Button>
                  )}
                </div>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
