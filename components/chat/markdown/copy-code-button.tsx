"use client";

import { useRef } from "react";
import { CopyButton } from "../message/copy-button";

/** The copy button of a code block: copies the text of the block it sits in, read at click time. */
export function CopyCodeButton() {
  const ref = useRef<HTMLSpanElement>(null);
  return (
    <span ref={ref} className="contents">
      <CopyButton
        data-testid="copy-code"
        label="Copy code"
        className="size-6"
        getText={() => ref.current?.closest('[data-testid="code-block"]')?.querySelector("pre")?.textContent ?? ""}
      />
    </span>
  );
}
