"use client";

// The side panel (the whole screen on a phone) showing one previewable block, with the other
// versions of it across the conversation's answers, copy and download.
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { ChevronLeft, ChevronRight, Download, X } from "lucide-react";
import { Button } from "@/components/ui/button";
import type { ChatUIMessage } from "@/lib/chat/types";
import { CopyButton } from "../message/copy-button";
import { PreviewFrame } from "./preview-frame";
import type { PreviewRequest } from "./preview-context";
import { previewVersions } from "./versions";

const LABEL = { html: "HTML", svg: "SVG" } as const;
const MIME = { html: "text/html", svg: "image/svg+xml" } as const;

function download(code: string, kind: PreviewRequest["kind"], version: number): void {
  const url = URL.createObjectURL(new Blob([code], { type: `${MIME[kind]};charset=utf-8` }));
  const link = document.createElement("a");
  link.href = url;
  link.download = `preview-v${version}.${kind}`;
  link.click();
  // After the click has started the download.
  window.setTimeout(() => URL.revokeObjectURL(url), 0);
}

type PreviewPanelProps = { request: PreviewRequest; messages: readonly ChatUIMessage[]; onClose: () => void };

export default function PreviewPanel({ request, messages, onClose }: PreviewPanelProps) {
  const { kind } = request;
  const versions = useMemo(() => previewVersions(messages, kind), [messages, kind]);
  // The version shown is a snapshot: a version still streaming does not reload the frame per token.
  const [shown, setShown] = useState(() => ({ index: versions.indexOf(request.code), code: request.code }));
  const known = shown.index >= 0 && shown.index < versions.length;
  const show = (index: number) => setShown({ index, code: versions[index] });
  const titleId = useId();
  const panel = useRef<HTMLElement>(null);
  useEffect(() => panel.current?.focus(), []);
  const label = LABEL[kind];

  return (
    <section
      ref={panel}
      role="dialog"
      aria-labelledby={titleId}
      tabIndex={-1}
      data-testid="preview-panel"
      data-preview-kind={kind}
      className="fixed inset-0 z-40 flex flex-col bg-background outline-none md:left-auto md:w-[min(48rem,50vw)] md:border-l md:border-border md:shadow-xl"
      onKeyDown={(event) => {
        if (event.key !== "Escape") return;
        event.stopPropagation();
        onClose();
      }}
    >
      <header className="flex flex-wrap items-center gap-1 border-b border-border px-3 py-2">
        <h2 id={titleId} className="mr-auto text-sm font-semibold">
          {label} preview
        </h2>
        <Button
          type="button"
          variant="ghost"
          size="icon-sm"
          aria-label="Previous version"
          data-testid="preview-previous"
          disabled={!known || shown.index === 0}
          onClick={() => show(shown.index - 1)}
        >
          <ChevronLeft aria-hidden />
        </Button>
        <span data-testid="preview-version" className="text-xs tabular-nums text-muted-foreground" aria-live="polite">
          {known ? `Version ${shown.index + 1} of ${versions.length}` : "Version 1 of 1"}
        </span>
        <Button
          type="button"
          variant="ghost"
          size="icon-sm"
          aria-label="Next version"
          data-testid="preview-next"
          disabled={!known || shown.index >= versions.length - 1}
          onClick={() => show(shown.index + 1)}
        >
          <ChevronRight aria-hidden />
        </Button>
        <CopyButton data-testid="preview-copy" label={`Copy ${label}`} getText={() => shown.code} />
        <Button
          type="button"
          variant="ghost"
          size="icon-sm"
          aria-label={`Download ${label}`}
          title={`Download ${label}`}
          data-testid="preview-download"
          onClick={() => download(shown.code, kind, known ? shown.index + 1 : 1)}
        >
          <Download aria-hidden />
        </Button>
        <Button
          type="button"
          variant="ghost"
          size="icon-sm"
          aria-label="Close preview"
          title="Close preview"
          data-testid="preview-close"
          onClick={onClose}
        >
          <X aria-hidden />
        </Button>
      </header>
      <PreviewFrame key={`${shown.index}:${shown.code}`} kind={kind} code={shown.code} title={`${label} preview, sandboxed`} />
    </section>
  );
}
