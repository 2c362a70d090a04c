"use client";

import { use } from "react";
import { Eye } from "lucide-react";
import { Button } from "@/components/ui/button";
import { previewKind } from "./previewable";
import { OpenPreviewContext } from "./preview-context";

/** "Preview" in an HTML or SVG code block's header; nothing for other languages or outside a chat. */
export function PreviewButton({ language, code }: { language: string | null; code: string }) {
  const open = use(OpenPreviewContext);
  const kind = previewKind(language, code);
  if (!kind || !open) return null;
  return (
    <Button
      type="button"
      variant="ghost"
      size="sm"
      className="ml-auto h-6 px-2 text-xs"
      data-testid="preview-open"
      data-preview-kind={kind}
      aria-label={kind === "svg" ? "Preview SVG" : "Preview HTML"}
      onClick={(event) => open({ kind, code }, event.currentTarget)}
    >
      <Eye aria-hidden className="size-3.5" />
      Preview
    </Button>
  );
}
