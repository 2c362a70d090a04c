import { Fragment } from "react";
import type { HighlightedText as Highlighted } from "@/lib/history/types";

/**
 * Text with its hits in <mark>. Everything is rendered as React text nodes: whatever the text
 * contains (`<script>`, `<img onerror>`), it is shown, never interpreted.
 */
export function HighlightedText({ value, className }: { value: Highlighted; className?: string }) {
  const pieces: { text: string; hit: boolean }[] = [];
  let at = 0;
  const ranges = [...value.highlights]
    .filter(([s, e]) => Number.isInteger(s) && Number.isInteger(e) && s >= 0 && e > s && e <= value.text.length)
    .sort((a, b) => a[0] - b[0]);
  for (const [start, end] of ranges) {
    if (start < at) continue;
    if (start > at) pieces.push({ text: value.text.slice(at, start), hit: false });
    pieces.push({ text: value.text.slice(start, end), hit: true });
    at = end;
  }
  if (at < value.text.length) pieces.push({ text: value.text.slice(at), hit: false });
  return (
    <span className={className}>
      {pieces.map((p, i) =>
        p.hit ? (
          <mark key={i} className="rounded-sm bg-warning/40 px-0.5 text-foreground">
            {p.text}
          </mark>
        ) : (
          <Fragment key={i}>{p.text}</Fragment>
        ),
      )}
    </span>
  );
}
