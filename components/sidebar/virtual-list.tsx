"use client";

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";

// A fixed-row-height window over a long list: only the rows in (and just around) the viewport
// are in the DOM, so 10,000 conversations scroll like 30. Rows are absolutely positioned inside
// a spacer as tall as the whole list; offsets are prefix sums, found by binary search.

export type VirtualRow = { key: string; height: number };

type Props<R extends VirtualRow> = {
  rows: readonly R[];
  renderRow(row: R): ReactNode;
  /** Called when the window comes within `threshold` rows of the end. */
  onNearEnd?: () => void;
  threshold?: number;
  overscan?: number;
  className?: string;
  footer?: ReactNode;
} & Omit<React.ComponentProps<"div">, "children">;

export function VirtualList<R extends VirtualRow>({
  rows,
  renderRow,
  onNearEnd,
  threshold = 20,
  overscan = 8,
  className,
  footer,
  ...props
}: Props<R>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 800 });

  const offsets = useOffsets(rows);
  const total = offsets[offsets.length - 1] ?? 0;

  const measure = useCallback(() => {
    const el = scrollRef.current;
    if (el) setViewport((v) => (v.top === el.scrollTop && v.height === el.clientHeight ? v : { top: el.scrollTop, height: el.clientHeight }));
  }, []);

  useLayoutEffect(measure, [measure]);
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [measure]);

  const frame = useRef<number | null>(null);
  const onScroll = () => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      measure();
    });
  };
  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );

  const first = Math.max(0, indexAt(offsets, viewport.top) - overscan);
  const last = Math.min(rows.length - 1, indexAt(offsets, viewport.top + viewport.height) + overscan);

  useEffect(() => {
    if (onNearEnd && last >= rows.length - 1 - threshold) onNearEnd();
  }, [last, rows.length, threshold, onNearEnd]);

  const visible: ReactNode[] = [];
  for (let i = first; i <= last; i++) {
    const row = rows[i];
    visible.push(
      <div key={row.key} style={{ position: "absolute", top: offsets[i], left: 0, right: 0, height: row.height }}>
        {renderRow(row)}
      </div>,
    );
  }

  return (
    <div ref={scrollRef} onScroll={onScroll} className={className} {...props}>
      <div style={{ position: "relative", height: total }}>{visible}</div>
      {footer}
    </div>
  );
}

/** offsets[i] = top of row i; offsets[rows.length] = total height. */
function useOffsets(rows: readonly VirtualRow[]): number[] {
  return useMemo(() => {
    const offsets = new Array<number>(rows.length + 1);
    offsets[0] = 0;
    for (let i = 0; i < rows.length; i++) offsets[i + 1] = offsets[i] + rows[i].height;
    return offsets;
  }, [rows]);
}

/** The row whose span contains `y` (the last row for y past the end). */
function indexAt(offsets: number[], y: number): number {
  let lo = 0;
  let hi = offsets.length - 2;
  if (hi < 0) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid] <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
