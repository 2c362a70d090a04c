import type { ReactNode } from "react";

/** Answers' text parts rendered on the server, by `prerenderKey`. */
export type PrerenderedMarkdown = Readonly<Record<string, ReactNode>>;

/** Names one text part of one message, as it was when rendered (a changed text misses). */
export function prerenderKey(messageId: string, partIndex: number, text: string): string {
  return `${messageId}:${partIndex}:${text.length}`;
}
