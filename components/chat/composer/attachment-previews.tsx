"use client";

import { CircleAlert, FileText, FileX, X } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import { formatBytes } from "@/lib/attachments/types";
import { cn } from "@/lib/utils";
import type { PendingAttachment } from "./use-attachments";

type AttachmentPreviewsProps = {
  items: PendingAttachment[];
  onRemove: (key: string) => void;
};

/** The composer's attachments: a thumbnail or a file chip each, with its upload state and Remove. */
export function AttachmentPreviews({ items, onRemove }: AttachmentPreviewsProps) {
  if (items.length === 0) return null;
  return (
    <ul data-testid="composer-attachments" aria-label="Attachments" className="flex flex-wrap gap-2 px-1 pt-1">
      {items.map((item) => (
        <li
          key={item.key}
          data-testid="composer-attachment"
          data-status={item.status}
          data-attachment-id={item.info?.id}
          className={cn(
            "relative flex max-w-full items-center gap-2 rounded-lg border bg-muted/40 p-1.5 pr-8 text-xs",
            item.status === "failed" && "border-destructive/60 bg-destructive/5",
          )}
        >
          {item.previewUrl && item.status !== "failed" ? (
            // eslint-disable-next-line @next/next/no-img-element -- a local object URL, not an optimisable asset
            <img src={item.previewUrl} alt="" className="size-10 shrink-0 rounded object-cover" />
          ) : item.status === "failed" ? (
            <FileX aria-hidden className="size-8 shrink-0 text-destructive" />
          ) : (
            <FileText aria-hidden className="size-8 shrink-0 text-muted-foreground" />
          )}
          <div className="grid min-w-0">
            <span data-testid="composer-attachment-name" className="truncate font-medium" title={item.name}>
              {item.name}
            </span>
            {item.status === "failed" ? (
              <span data-testid="composer-attachment-error" role="alert" className="flex items-start gap-1 text-destructive">
                <CircleAlert aria-hidden className="mt-px size-3 shrink-0" />
                <span className="break-words whitespace-normal">{item.error}</span>
              </span>
            ) : (
              <span className="flex items-center gap-1 text-muted-foreground">
                {item.status === "uploading" && <Spinner size="sm" label="Uploading" />}
                {item.status === "uploading" ? "Uploading…" : formatBytes(item.info?.size ?? item.size)}
              </span>
            )}
          </div>
          <Button
            type="button"
            variant="ghost"
            size="icon-sm"
            data-testid="composer-attachment-remove"
            aria-label={`Remove ${item.name}`}
            title="Remove"
            className="absolute top-1 right-1 size-6"
            onClick={() => onRemove(item.key)}
          >
            <X aria-hidden className="size-3.5" />
          </Button>
        </li>
      ))}
    </ul>
  );
}
