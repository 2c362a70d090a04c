"use client";

import Link from "next/link";
import { Keyboard, Plus, UserCog } from "lucide-react";
import { ConversationSidebar } from "@/components/sidebar/conversation-sidebar";
import { MonthToDate } from "@/components/spend/month-to-date";
import { Button } from "@/components/ui/button";
import { openShortcutsHelp } from "./keyboard-shortcuts";
import { useNewChat } from "./use-new-chat";
import { UserMenu } from "./user-menu";

export type ShellUser = { name: string; email: string; role: "user" | "admin" };

export function Sidebar({ user, onNavigate }: { user: ShellUser; onNavigate?: () => void }) {
  const newChat = useNewChat();
  // A plain click starts a fresh chat (see useNewChat); modified clicks keep the link's own behaviour (a new tab).
  const onNewChat = (event: React.MouseEvent<HTMLAnchorElement>) => {
    onNavigate?.();
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0) return;
    event.preventDefault();
    newChat();
  };
  return (
    <div className="flex h-full w-full flex-col" data-testid="sidebar">
      <div className="flex items-center justify-between px-3 py-3">
        <Link href="/" className="text-base font-semibold tracking-tight" onClick={onNewChat}>
          Switchboard
        </Link>
      </div>
      <div className="px-3 pb-2">
        <Button asChild variant="outline" className="w-full justify-start gap-2" data-testid="new-chat-button">
          <Link href="/" onClick={onNewChat} data-testid="new-chat-link">
            <Plus className="size-4" aria-hidden /> New chat
          </Link>
        </Button>
      </div>
      <ConversationSidebar onNavigate={onNavigate} />
      <div className="border-t border-border p-2">
        <MonthToDate onNavigate={onNavigate} />
        <div className="flex items-center gap-1">
          <div className="min-w-0 flex-1">
            <UserMenu user={user} />
          </div>
          <Button
            type="button"
            variant="ghost"
            size="icon"
            aria-label="Keyboard shortcuts"
            title="Keyboard shortcuts (?)"
            data-testid="shortcuts-button"
            onClick={openShortcutsHelp}
          >
            <Keyboard className="size-4" aria-hidden />
          </Button>
          <Button asChild variant="ghost" size="icon" aria-label="Account and data" title="Account and data">
            <Link href="/account" onClick={onNavigate} data-testid="account-link">
              <UserCog className="size-4" aria-hidden />
            </Link>
          </Button>
        </div>
      </div>
    </div>
  );
}
