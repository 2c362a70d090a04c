"use client";

import { useCallback, useEffect, useState } from "react";
import { Download } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Spinner } from "@/components/ui/spinner";
import type { ApiLogPage, ApiLogView } from "@/lib/api-keys/log-types";
import { formatTime, requestJson, type ApiKeyView } from "./api";
import { entryText } from "./log-text";

/** A "keep a log" key's requests and answers, newest first, a page at a time, with a JSON export. */
export function KeyLogDialog({ apiKey, onClose }: { apiKey: ApiKeyView | null; onClose: () => void }) {
  return (
    <Dialog open={apiKey !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent className="max-w-3xl" data-testid="key-log-dialog">
        <DialogHeader>
          <DialogTitle>Log of {apiKey?.name}</DialogTitle>
          <DialogDescription>Requests made with this key and their answers, newest first. Only you can see them.</DialogDescription>
        </DialogHeader>
        {apiKey && <KeyLog apiKey={apiKey} />}
      </DialogContent>
    </Dialog>
  );
}

function KeyLog({ apiKey }: { apiKey: ApiKeyView }) {
  const base = `/api/account/keys/${encodeURIComponent(apiKey.id)}/logs`;
  const [logs, setLogs] = useState<ApiLogView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const show = useCallback((page: ApiLogPage, append: boolean) => {
    setLogs((previous) => (append ? [...previous, ...page.logs] : page.logs));
    setCursor(page.nextCursor);
    setLoaded(true);
  }, []);

  // The newest page when the dialog opens (the dialog mounts this once per key).
  useEffect(() => {
    let cancelled = false;
    requestJson<ApiLogPage>(base)
      .then((page) => !cancelled && show(page, false))
      .catch((e: Error) => !cancelled && setError(e.message))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [base, show]);

  const loadOlder = async (after: string) => {
    setLoading(true);
    setError(null);
    try {
      show(await requestJson<ApiLogPage>(`${base}?cursor=${encodeURIComponent(after)}`), true);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  };

  return (
    <div className="grid gap-3">
      <div>
        <Button asChild variant="outline" size="sm">
          {/* A plain link: the browser streams the download, however long the log. */}
          <a href={`${base}/export`} download data-testid="key-log-export">
            <Download aria-hidden className="size-4" /> Export as JSON
          </a>
        </Button>
      </div>
      {error && (
        <p role="alert" className="text-sm text-destructive" data-testid="key-log-error">
          {error}
        </p>
      )}
      {loaded && logs.length === 0 && (
        <p className="text-sm text-muted-foreground" data-testid="key-log-empty">
          Nothing logged yet.
        </p>
      )}
      <ol className="grid gap-3" aria-label="Logged requests" data-testid="key-log-entries">
        {logs.map((entry) => (
          <LogEntry key={entry.id} entry={entry} />
        ))}
      </ol>
      {loading && <Spinner size="sm" label="Loading the log" />}
      {cursor && !loading && (
        <Button type="button" variant="outline" size="sm" className="w-fit" onClick={() => void loadOlder(cursor)} data-testid="key-log-more">
          Load older entries
        </Button>
      )}
    </div>
  );
}

function LogEntry({ entry }: { entry: ApiLogView }) {
  const { request, response } = entryText(entry);
  const ok = entry.status >= 200 && entry.status < 300;
  return (
    <li className="grid gap-2 rounded-md border border-border p-3 text-sm" data-testid="key-log-entry" data-log-id={entry.id}>
      <div className="flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
        <time dateTime={entry.createdAt}>{formatTime(entry.createdAt)}</time>
        <span className="font-mono">{entry.endpoint}</span>
        <span className="font-mono" data-testid="key-log-model">
          {entry.model}
        </span>
        <Badge variant={ok ? "secondary" : "destructive"} data-testid="key-log-status">
          {entry.status}
        </Badge>
      </div>
      <section aria-label="Request" className="grid gap-1">
        <h3 className="text-xs font-medium text-muted-foreground">Request</h3>
        {/* Text nodes only: whatever a request or answer says is shown, never interpreted as HTML. */}
        <pre className="max-h-64 overflow-auto rounded bg-muted/40 p-2 font-mono text-xs whitespace-pre-wrap" data-testid="key-log-request">
          {request}
        </pre>
      </section>
      <section aria-label="Answer" className="grid gap-1">
        <h3 className="text-xs font-medium text-muted-foreground">Answer</h3>
        <pre className="max-h-64 overflow-auto rounded bg-muted/40 p-2 font-mono text-xs whitespace-pre-wrap" data-testid="key-log-response">
          {response || "(no answer)"}
        </pre>
      </section>
    </li>
  );
}
