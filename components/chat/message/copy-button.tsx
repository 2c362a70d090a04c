"use client";

import { useState } from "react";
import { Check, Copy } from "lucide-react";
import { Button, type ButtonProps } from "@/components/ui/button";
import { toast } from "@/components/ui/toaster";
import { copyText } from "./clipboard";

type CopyButtonProps = Omit<ButtonProps, "onClick" | "children"> & {
  /** The text to copy, read at click time. */
  getText: () => string;
  label: string;
};

/** An icon button that copies text and shows a check mark for a moment. */
export function CopyButton({ getText, label, size = "icon-sm", variant = "ghost", ...props }: CopyButtonProps) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      type="button"
      size={size}
      variant={variant}
      aria-label={copied ? "Copied" : label}
      title={copied ? "Copied" : label}
      data-copied={copied || undefined}
      onClick={async () => {
        const ok = await copyText(getText());
        if (!ok) {
          toast({ title: "Could not copy", variant: "destructive" });
          return;
        }
        setCopied(true);
        window.setTimeout(() => setCopied(false), 1500);
      }}
      {...props}
    >
      {copied ? <Check aria-hidden className="size-3.5" /> : <Copy aria-hidden className="size-3.5" />}
    </Button>
  );
}
