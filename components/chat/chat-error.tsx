"use client";

import { useEffect, useState } from "react";
import { CircleAlert, RotateCcw } from "lucide-react";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { describeError, parseErrorBody } from "@/lib/errors";

export type ChatErrorInfo = {
  code: string;
  message: string;
  retryAfter?: number;
  /** Models the server suggests instead (an attachment the chosen model cannot read). */
  models?: string[];
  /** When a daily quota starts over (ISO), shown in the reader's own time. */
  resetsAt?: string;
};

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
  unsupported_media: "File type not supported",
  internal: "Something went wrong",
};

/** Titles for codes that need more than their type's. */
const titlesByCode: Record<string, string> = {
  "bad_request:attachment_unsupported": "This model cannot read the attachment",
  "payload_too_large:attachment": "File too large",
  "payload_too_large:attachments": "Too many attachments",
  "not_found:attachment": "Attachment not found",
  "unavailable:routing_preference": "Your routing settings rule out every provider",
  "unavailable:routing_account": "The OpenRouter account's settings rule out every provider",
  "unavailable:routing_tools": "No provider of this model supports tools",
  "rate_limited:free_daily": "Today's free-model quota is used up",
  "rate_limited:capacity": "Every provider is at capacity",
  "rate_limited:upstream": "The provider is rate-limited",
  "bad_request:token_limit": "The answer hit the token limit",
  "upstream:affordability": "OpenRouter cannot cover an answer this long",
  "upstream:content_filter": "The provider's content filter stopped the answer",
  "upstream:empty_answer": "The model returned an empty answer",
};

/** What an upload failure means when the server's body says nothing readable, by code and then by status. */
const uploadMessages: Record<string, string> = {
  "payload_too_large:attachment": "The file is larger than the size limit for attachments.",
  "payload_too_large:attachments": "Too many attachments at once.",
  "unsupported_media:attachment": "Only PNG, JPEG, WebP and GIF images and PDFs can be attached.",
  "bad_request:attachment": "The file could not be read.",
  "unauthorized:auth": "You are signed out. Sign in again to attach files.",
};
const uploadMessagesByStatus: Record<number, string> = {
  401: "You are signed out. Sign in again to attach files.",
  413: uploadMessages["payload_too_large:attachment"]!,
  415: uploadMessages["unsupported_media:attachment"]!,
};

/** A sentence for a failed POST /api/attachments: the server's message, else one for its code or status. */
export function describeUploadError(status: number, body: string): string {
  const parsed = parseErrorBody(body);
  if (parsed) return parsed.message || uploadMessages[parsed.code] || describeError(body).message;
  return uploadMessagesByStatus[status] ?? `The file could not be uploaded (HTTP ${status}).`;
}

/**
 * What a failed request means, from `useChat`'s error: our JSON error body (pre-stream),
 * the bare `{code,message}` a stream sends as errorText, or a network failure.
 */
export function describeChatError(error: Error | undefined | null): ChatErrorInfo {
  const text = error?.message ?? "";
  const described = describeError(text);
  if (described.code !== "internal:unknown") {
    const details = parseErrorBody(text)?.details;
    const models = details?.models;
    const suggested = Array.isArray(models) ? models.filter((m): m is string => typeof m === "string").slice(0, 5) : [];
    const reset = details?.resetsAt;
    const resetsAt = typeof reset === "string" && Number.isFinite(Date.parse(reset)) ? reset : undefined;
    return { ...described, ...(suggested.length > 0 ? { models: suggested } : {}), ...(resetsAt ? { resetsAt } : {}) };
  }
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

/** "at 01:00 on Tue, Dec 8" in the reader's locale and time zone. */
export function formatReset(iso: string, now = new Date()): string {
  const at = new Date(iso);
  const time = at.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  const sameDay = at.toDateString() === now.toDateString();
  return sameDay ? `at ${time} today` : `at ${time} on ${at.toLocaleDateString(undefined, { weekday: "short", month: "short", day: "numeric" })}`;
}

type ChatErrorProps = {
  error: ChatErrorInfo;
  /** Shown as a Retry button when given. */
  onRetry?: () => void;
  retryDisabled?: boolean;
  /** The error of the request just made (not one saved with an earlier answer). */
  live?: boolean;
  /** Send the question again to this one of the suggested models (`error.models`). */
  onUseModel?: (modelId: string) => void;
  /** How to name a suggested model. */
  modelLabel?: (modelId: string) => string;
};

/** The in-conversation error card: what failed, its code, when to retry, and a Retry button. */
export function ChatError({ error, onRetry, retryDisabled, live, onUseModel, modelLabel }: ChatErrorProps) {
  const type = error.code.split(":")[0];
  const remaining = useCountdown(error.retryAfter);
  return (
    <Alert variant="destructive" data-testid="chat-error" data-code={error.code} data-live={live ? "true" : "false"} className="my-2">
      <CircleAlert aria-hidden />
      <AlertTitle>{titlesByCode[error.code] ?? titles[type] ?? "The answer failed"}</AlertTitle>
      <AlertDescription>
        <p data-testid="chat-error-message" className="text-foreground">
          {error.message}
        </p>
        <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-muted-foreground">
          <span>
            Code{" "}
            <code data-testid="chat-error-code" className="font-mono">
              {error.code}
            </code>
          </span>
          {error.resetsAt && (
            <span data-testid="chat-error-resets-at" data-resets-at={error.resetsAt}>
              Resets {formatReset(error.resetsAt)} your time
            </span>
          )}
          {error.retryAfter !== undefined && (
            <span data-testid="chat-error-retry-after" data-seconds={error.retryAfter}>
              {remaining > 0 ? `Retry in ${remaining} s` : `You can retry now (asked to wait ${error.retryAfter} s)`}
            </span>
          )}
        </p>
        {onUseModel && error.models && error.models.length > 0 && (
          <div data-testid="chat-error-models" className="mt-1 flex flex-wrap items-center gap-1.5">
            <span className="text-xs text-muted-foreground">Send it to</span>
            {error.models.map((modelId) => (
              <Button
                key={modelId}
                type="button"
                size="sm"
                variant="outline"
                data-testid="chat-error-use-model"
                data-model-id={modelId}
                disabled={retryDisabled}
                onClick={() => onUseModel(modelId)}
              >
                {modelLabel ? modelLabel(modelId) : modelId}
              </Button>
            ))}
          </div>
        )}
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
