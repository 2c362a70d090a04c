"use client";

import { useEffect, useState } from "react";
import { CircleAlert, RotateCcw } from "lucide-react";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { describeError } from "@/lib/errors";

export type ChatErrorInfo = { code: string; message: string; retryAfter?: number };

const titles: Record<string, string> = {
  unauthorized: "You are signed out",
  budget_exceeded: "Spending limit reached",
  forbidden: "Not allowed",
  not_found: "Not found",
  payload_too_large: "Message too large",
  rate_limited: "Rate limited",
  upstream: "The model provider failed",
  unavailable: "Service unavailable",
  timeout: "The model timed out",
  bad_request: "Request not accepted",
  internal: "Something went wrong",
};

/**
 * What a failed request means, from `useChat`'s error: our JSON error body (pre-stream),
 * the bare `{code,message}` a stream sends as errorText, or a network failure.
 */
export function describeChatError(error: Error | undefined | null): ChatErrorInfo {
  const text = error?.message ?? "";
  const described = describeError(text);
  if (described.code !== "internal:unknown") return described;
  if (error instanceof TypeError || /failed to fetch|network|load failed/i.test(text)) {
    return { code: "unavailable:network", message: "Could not reach Switchboard. Check your connection and try again." };
  }
  const plain = text.trim();
  if (plain && plain.length <= 300 && !plain.startsWith("{") && !plain.startsWith("<")) {
    return { code: "internal:client", message: plain };
  }
  return described;
}

function useCountdown(seconds: number | undefined): number {
  const [deadline] = useState(() => (seconds && seconds > 0 ? Date.now() + seconds * 1000 : 0));
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!deadline) return;
    const timer = window.setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= deadline) window.clearInterval(timer);
    }, 250);
    return () => window.clearInterval(timer);
  }, [deadline]);
  return deadline ? Math.max(0, Math.ceil((deadline - now) / 1000)) : 0;
}

type ChatErrorProps = {
  error: ChatErrorInfo;
  /** Shown as a Retry button when given. */
  onRetry?: () => void;
  retryDisabled?: boolean;
  /** The error of the request just made (not one saved with an earlier answer). */
  live?: boolean;
};

/** The in-conversation error card: what failed, its code, when to retry, and a Retry button. */
export function ChatError({ error, onRetry, retryDisabled, live }: ChatErrorProps) {
  const type = error.code.split(":")[0];
  const remaining = useCountdown(error.retryAfter);
  return (
    <Alert variant="destructive" data-testid="chat-error" data-code={error.code} data-live={live ? "true" : "false"} className="my-2">
      <CircleAlert aria-hidden />
      <AlertTitle>{titles[type] ?? "The answer failed"}</AlertTitle>
      <AlertDescription>
        <p data-testid="chat-error-message" className="text-foreground">
          {error.message}
        </p>
        <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-muted-foreground">
          <span>
            Code <code data-testid="chat-error-code" className="font-mono">{error.code}</code>
          </span>
          {error.retryAfter !== undefined && (
            <span data-testid="chat-error-retry-after" data-seconds={error.retryAfter}>
              {remaining > 0 ? `Retry in ${remaining} s` : `You can retry now (asked to wait ${error.retryAfter} s)`}
            </span>
          )}
        </p>
        {onRetry && (
          <Button
            type="button"
            size="sm"
            variant="outline"
            className="mt-1"
            data-testid="chat-error-retry"
            disabled={retryDisabled}
            onClick={onRetry}
          >
            <RotateCcw aria-hidden /> Retry
          </Button>
        )}
      </AlertDescription>
    </Alert>
  );
}
