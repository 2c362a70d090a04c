// Sidebar groups by last activity, in the viewer's own time zone. Client-safe and pure.

export type GroupKey = string;

export type Group = { key: GroupKey; label: string };

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

const monthFormat = new Intl.DateTimeFormat("en", { month: "long", year: "numeric" });

/**
 * Pinned first, then Today / Yesterday / Previous 7 days / Previous 30 days, then one group
 * per calendar month ("March 2026"). Future times (clock skew) count as today.
 */
export function groupOf(item: { pinned: boolean; lastMessageAt: string | Date }, now: Date = new Date()): Group {
  if (item.pinned) return { key: "pinned", label: "Pinned" };
  const at = typeof item.lastMessageAt === "string" ? new Date(item.lastMessageAt) : item.lastMessageAt;
  const today = startOfDay(now);
  const t = at.getTime();
  if (t >= today) return { key: "today", label: "Today" };
  // Calendar days, not 24-hour spans: the start of yesterday in local time (DST-safe).
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1).getTime();
  if (t >= yesterday) return { key: "yesterday", label: "Yesterday" };
  const week = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 7).getTime();
  if (t >= week) return { key: "week", label: "Previous 7 days" };
  const month = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 30).getTime();
  if (t >= month) return { key: "month", label: "Previous 30 days" };
  return { key: `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, "0")}`, label: monthFormat.format(at) };
}

/** Consecutive runs of items that share a group, in list order. */
export function groupItems<T extends { pinned: boolean; lastMessageAt: string | Date }>(
  items: readonly T[],
  now: Date = new Date(),
): { group: Group; items: T[] }[] {
  const out: { group: Group; items: T[] }[] = [];
  for (const item of items) {
    const group = groupOf(item, now);
    const last = out[out.length - 1];
    if (last && last.group.key === group.key) last.items.push(item);
    else out.push({ group, items: [item] });
  }
  return out;
}
