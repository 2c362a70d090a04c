"use client";

// The composer's attachments: each file is uploaded to POST /api/attachments as soon as it is
// picked, dropped or pasted, and tracked until the message is sent. The server is the authority
// on size and type (it sniffs the bytes); the browser only reports what it answered.
import { useCallback, useEffect, useRef, useState } from "react";
import type { FileUIPart } from "ai";
import type { AttachmentInfo } from "@/lib/attachments/types";
import { uploadAttachment } from "../api";

export type PendingAttachment = {
  key: string;
  name: string;
  size: number;
  /** The browser's guess from the file, for the preview only. */
  localType: string;
  /** An object URL of the local file, for an image's thumbnail. */
  previewUrl: string | null;
  status: "uploading" | "ready" | "failed";
  /** The stored attachment, once uploaded. */
  info?: AttachmentInfo;
  /** Why the upload failed, in words. */
  error?: string;
};

let nextKey = 0;

export function useAttachments() {
  const [items, setItems] = useState<PendingAttachment[]>([]);
  const controllers = useRef(new Map<string, AbortController>());
  const previews = useRef(new Map<string, string>());

  const update = useCallback((key: string, change: Partial<PendingAttachment>) => {
    setItems((current) => current.map((item) => (item.key === key ? { ...item, ...change } : item)));
  }, []);

  const forget = useCallback((key: string) => {
    controllers.current.get(key)?.abort();
    controllers.current.delete(key);
    const preview = previews.current.get(key);
    if (preview) URL.revokeObjectURL(preview);
    previews.current.delete(key);
  }, []);

  const add = useCallback(
    (files: Iterable<File>) => {
      const added: PendingAttachment[] = [];
      for (const file of files) {
        const key = `a${++nextKey}`;
        const previewUrl = file.type.startsWith("image/") ? URL.createObjectURL(file) : null;
        if (previewUrl) previews.current.set(key, previewUrl);
        const controller = new AbortController();
        controllers.current.set(key, controller);
        added.push({ key, name: file.name || "pasted file", size: file.size, localType: file.type, previewUrl, status: "uploading" });
        uploadAttachment(file, controller.signal).then(
          (info) => {
            controllers.current.delete(key);
            update(key, { status: "ready", info });
          },
          (error: unknown) => {
            controllers.current.delete(key);
            if (controller.signal.aborted) return;
            update(key, { status: "failed", error: error instanceof Error ? error.message : String(error) });
          },
        );
      }
      if (added.length > 0) setItems((current) => [...current, ...added]);
    },
    [update],
  );

  const remove = useCallback(
    (key: string) => {
      forget(key);
      setItems((current) => current.filter((item) => item.key !== key));
    },
    [forget],
  );

  const clear = useCallback(() => {
    for (const key of [...controllers.current.keys(), ...previews.current.keys()]) forget(key);
    setItems([]);
  }, [forget]);

  // Leaving the conversation: stop uploads and free the thumbnails.
  useEffect(() => {
    const active = controllers.current;
    const shown = previews.current;
    return () => {
      for (const controller of active.values()) controller.abort();
      for (const url of shown.values()) URL.revokeObjectURL(url);
    };
  }, []);

  /** The uploaded ones as the message's file parts (their url names the attachment id). */
  const readyParts: FileUIPart[] = items.flatMap((item) =>
    item.status === "ready" && item.info
      ? [{ type: "file" as const, mediaType: item.info.mediaType, filename: item.info.filename, url: item.info.url }]
      : [],
  );
  return { items, add, remove, clear, readyParts, uploading: items.some((item) => item.status === "uploading") };
}
