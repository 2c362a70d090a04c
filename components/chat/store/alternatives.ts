"use client";

// Alternative answers of a turn on the client: the list per question (see ConversationView's
// `alternatives`), kept in step with what streams in.
import type { ChatUIMessage } from "@/lib/chat/types";

/** The answers of each turn that has several, by the id of the question they answer. */
export type Alternatives = Readonly<Record<string, readonly ChatUIMessage[]>>;

/** The map with `message` added to (or replaced in) its question's list. */
export function withAlternative(map: Alternatives, questionId: string, message: ChatUIMessage): Alternatives {
  const list = map[questionId] ?? [];
  const index = list.findIndex((m) => m.id === message.id);
  if (index >= 0 && list[index] === message) return map;
  const next = index >= 0 ? list.map((m, i) => (i === index ? message : m)) : [...list, message];
  return { ...map, [questionId]: next };
}

/** The question an answer at `index` of the shown messages answers, if any. */
export function questionIdAt(messages: readonly ChatUIMessage[], index: number): string | null {
  const question = messages[index - 1];
  return question?.role === "user" ? question.id : null;
}

/** A comparison's columns: the newest answer of each column (a retry replaces its column), in column order. */
export function compareColumns(list: readonly ChatUIMessage[], group: string): ChatUIMessage[] {
  const byColumn = new Map<number, ChatUIMessage>();
  for (const message of list) {
    const compare = message.metadata?.compare;
    if (compare?.group === group) byColumn.set(compare.column, message);
  }
  return [...byColumn.entries()].sort(([a], [b]) => a - b).map(([, message]) => message);
}

/** True once the user kept one of the comparison's answers (the turn then reads as one answer). */
export function isDecided(list: readonly ChatUIMessage[], group: string): boolean {
  return list.some((m) => m.metadata?.compare?.group === group && m.metadata.compare.kept);
}

/** Marks `messageId` as the kept answer of its comparison, in the local copy. */
export function markKept(list: readonly ChatUIMessage[], messageId: string): ChatUIMessage[] {
  return list.map((m) =>
    m.id === messageId && m.metadata?.compare ? { ...m, metadata: { ...m.metadata, compare: { ...m.metadata.compare, kept: true } } } : m,
  );
}
