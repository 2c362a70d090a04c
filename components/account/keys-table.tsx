"use client";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
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
    <ul className="grid gap-3" aria-label="Your API keys" data-testid="api-keys-table">
      {keys.map((key) => {
        const status = keyStatus(key);
        return (
          <li
            key={key.id}
            className="grid gap-2 rounded-lg border border-border p-3"
            data-testid="api-key-row"
            data-key-id={key.id}
            data-status={status}
          >
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
              <span className="min-w-0 truncate font-medium" data-testid="api-key-name">
                {key.name}
              </span>
              <code className="font-mono text-xs text-muted-foreground" data-testid="api-key-prefix">
                {key.prefix}…
              </code>
              <Badge variant={statusVariant[status]} data-testid="api-key-status">
                {status}
              </Badge>
              <div className="ml-auto flex gap-1">
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
            </div>
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs sm:grid-cols-[auto_1fr_auto_1fr]">
              <dt className="text-muted-foreground">Created</dt>
              <dd>{formatTime(key.createdAt)}</dd>
              <dt className="text-muted-foreground">Models</dt>
              <dd data-testid="api-key-models">
                {key.allowedModels.length === 0 ? "all" : <span className="font-mono break-words">{key.allowedModels.join(", ")}</span>}
              </dd>
              <dt className="text-muted-foreground">Last used</dt>
              <dd data-testid="api-key-last-used">{key.lastUsedAt ? formatTime(key.lastUsedAt) : "never"}</dd>
              <dt className="text-muted-foreground">Monthly cap</dt>
              <dd data-testid="api-key-cap">{key.monthlyCapNano === null ? "none" : formatUsd(key.monthlyCapNano)}</dd>
              <dt className="text-muted-foreground">Expires</dt>
              <dd data-testid="api-key-expires">{key.expiresAt ? formatTime(key.expiresAt) : "never"}</dd>
              <dt className="text-muted-foreground">Log</dt>
              <dd>{key.keepLog ? "kept" : "off"}</dd>
            </dl>
          </li>
        );
      })}
    </ul>
  );
}
