"use client";

import Link from "next/link";
import { Plus, UserCog } from "lucide-react";
import { ConversationSidebar } from "@/components/sidebar/conversation-sidebar";
import { MonthToDate } from "@/components/spend/month-to-date";
import { Button } from "@/components/ui/button";
import { UserMenu } from "./user-menu";

export type ShellUser = { name: string; email: string; role: "user" | "admin" };

export function Sidebar({ user, onNavigate }: { user: ShellUser; onNavigate?: () => void }) {
  return (
    <div className="flex h-full w-full flex-col" data-testid="sidebar">
      <div className="flex items-center justify-between px-3 py-3">
        <Link href="/" className="text-base font-semibold tracking-tight" onClick={onNavigate}>
          Switchboard
        </Link>
      </div>
      <div className="px-3 pb-2">
        <Button asChild variant="outline" className="w-full justify-start gap-2" data-testid="new-chat-button">
          <Link href="/" onClick={onNavigate}>
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
