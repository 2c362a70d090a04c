"use client";

import { useEffect } from "react";

/**
 * Rendered by the server beside a saved answer with math: loads KaTeX's copy-tex in the browser,
 * so copying a server-typeset formula copies its LaTeX (it listens to the document's copy event).
 */
export function MathCopySupport() {
  useEffect(() => {
    void import("katex/contrib/copy-tex");
  }, []);
  return null;
}
