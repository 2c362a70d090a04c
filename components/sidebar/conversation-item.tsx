"use client";

import Link from "next/link";
import { memo, useEffect, useRef, useState } from "react";
import { Ellipsis, FileJson, FileText, Pencil, Pin, PinOff, Trash2 } from "lucide-react";
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from "@/components/ui/dropdown-menu";
import type { ConversationListItem } from "@/lib/history/types";
import { cn } from "@/lib/utils";

/** Where a conversation's export downloads from (also usable from the chat page's header). */
export function exportHref(id: string, format: "md" | "json"): string {
  return `/api/conversations/${encodeURIComponent(id)}/export?format=${format}`;
}

type Props = {
  item: ConversationListItem;
  active: boolean;
  onNavigate?: () => void;
  onRename(id: string, title: string): void;
  onTogglePin(id: string): void;
  onDelete(id: string): void;
};

const actionClass =
  "inline-flex size-6 items-center justify-center rounded-md text-muted-foreground outline-none transition-colors " +
  "hover:bg-background hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50 [&_svg]:size-3.5";

/** One conversation: a link, and rename / pin / delete beside it (shown on hover or focus). */
export const ConversationItem = memo(function ConversationItem({ item, active, onNavigate, onRename, onTogglePin, onDelete }: Props) {
  const [editing, setEditing] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const [draft, setDraft] = useState(item.title);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (editing) inputRef.current?.select();
  }, [editing]);

  const commit = () => {
    // Enter commits, and the input's blur as it goes away must not commit a second time.
    if (!editing) return;
    setEditing(false);
    if (draft.trim() && draft.trim() !== item.title) onRename(item.id, draft);
  };

  return (
    <div
      data-testid="conversation-item"
      data-conversation-id={item.id}
      data-active={active ? "true" : "false"}
      data-pinned={item.pinned ? "true" : "false"}
      className={cn(
        "group/item relative flex h-9 items-center rounded-md text-sm",
        active ? "bg-sidebar-accent font-medium text-sidebar-accent-foreground" : "hover:bg-sidebar-accent/60",
      )}
    >
      {editing ? (
        <input
          ref={inputRef}
          autoFocus
          data-testid="conversation-rename-input"
          aria-label="Conversation title"
          maxLength={200}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              commit();
            } else if (e.key === "Escape") {
              e.preventDefault();
              setDraft(item.title);
              setEditing(false);
            }
          }}
          className="mx-1 h-7 min-w-0 flex-1 rounded-md border border-input bg-background px-2 text-sm outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
        />
      ) : (
        <Link
          href={`/c/${item.id}`}
          onClick={onNavigate}
          aria-current={active ? "page" : undefined}
          title={item.title}
          className="flex h-full min-w-0 flex-1 items-center rounded-md px-2 outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
          onDoubleClick={(e) => {
            e.preventDefault();
            setDraft(item.title);
            setEditing(true);
          }}
        >
          {item.pinned && <Pin className="mr-1.5 size-3 shrink-0 text-muted-foreground" aria-label="Pinned" />}
          <span className="truncate" data-testid="conversation-title">
            {item.title}
          </span>
        </Link>
      )}
      {!editing && (
        <div
          className={cn(
            "absolute inset-y-0 right-0 flex items-center gap-px rounded-r-md pr-1 pl-3",
            "bg-gradient-to-l from-sidebar from-75% to-transparent",
            active && "from-sidebar-accent",
            // Hidden actions must not catch clicks meant for the title; without hover (touch
            // screens) they are always shown.
            menuOpen
              ? "opacity-100"
              : "pointer-events-none opacity-0 group-focus-within/item:pointer-events-auto group-focus-within/item:opacity-100 group-hover/item:pointer-events-auto group-hover/item:opacity-100 [@media(hover:none)]:pointer-events-auto [@media(hover:none)]:opacity-100",
          )}
        >
          <button
            type="button"
            data-testid="conversation-rename"
            aria-label={`Rename “${item.title}”`}
            title="Rename"
            className={actionClass}
            onClick={() => {
              setDraft(item.title);
              setEditing(true);
            }}
          >
            <Pencil aria-hidden />
          </button>
          <button
            type="button"
            data-testid="conversation-pin"
            aria-label={item.pinned ? `Unpin “${item.title}”` : `Pin “${item.title}”`}
            aria-pressed={item.pinned}
            title={item.pinned ? "Unpin" : "Pin"}
            className={actionClass}
            onClick={() => onTogglePin(item.id)}
          >
            {item.pinned ? <PinOff aria-hidden /> : <Pin aria-hidden />}
          </button>
          <button
            type="button"
            data-testid="conversation-delete"
            aria-label={`Delete “${item.title}”`}
            title="Delete"
            className={cn(actionClass, "hover:text-destructive")}
            onClick={() => onDelete(item.id)}
          >
            <Trash2 aria-hidden />
          </button>
          <DropdownMenu open={menuOpen} onOpenChange={setMenuOpen}>
            <DropdownMenuTrigger asChild>
              <button type="button" data-testid="conversation-more" aria-label={`More for “${item.title}”`} title="More" className={actionClass}>
                <Ellipsis aria-hidden />
              </button>
            </DropdownMenuTrigger>
            <DropdownMenuContent align="start" side="right" className="w-52">
              <DropdownMenuItem asChild>
                <a href={exportHref(item.id, "md")} download data-testid="conversation-export-md">
                  <FileText className="size-4" aria-hidden /> Export as Markdown
                </a>
              </DropdownMenuItem>
              <DropdownMenuItem asChild>
                <a href={exportHref(item.id, "json")} download data-testid="conversation-export-json">
                  <FileJson className="size-4" aria-hidden /> Export as JSON
                </a>
              </DropdownMenuItem>
            </DropdownMenuContent>
          </DropdownMenu>
        </div>
      )}
    </div>
  );
});
