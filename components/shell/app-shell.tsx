"use client";

import { useState } from "react";
import { Menu } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Sheet, SheetContent, SheetTitle } from "@/components/ui/sheet";
import { DemoBanner } from "./demo-banner";
import { KeyboardShortcuts } from "./keyboard-shortcuts";
import { Sidebar, type ShellUser } from "./sidebar";

export function AppShell({ user, demo, children }: { user: ShellUser; demo: boolean; children: React.ReactNode }) {
  const [mobileOpen, setMobileOpen] = useState(false);
  return (
    <div className="flex h-dvh flex-col" data-testid="app-shell">
      {demo && <DemoBanner />}
      <div className="flex min-h-0 flex-1">
        <aside className="hidden w-72 shrink-0 border-r border-border bg-sidebar md:flex" aria-label="Sidebar">
          <Sidebar user={user} />
        </aside>
        <Sheet open={mobileOpen} onOpenChange={setMobileOpen}>
          <SheetContent side="left" className="w-72 p-0">
            <SheetTitle className="sr-only">Navigation</SheetTitle>
            <Sidebar user={user} onNavigate={() => setMobileOpen(false)} />
          </SheetContent>
        </Sheet>
        <main className="flex min-w-0 flex-1 flex-col" data-testid="main">
          <div className="flex items-center gap-2 border-b border-border px-3 py-2 md:hidden">
            <Button variant="ghost" size="icon" aria-label="Open sidebar" data-testid="open-sidebar" onClick={() => setMobileOpen(true)}>
              <Menu className="size-5" />
            </Button>
            <span className="font-semibold">Switchboard</span>
          </div>
          {children}
        </main>
      </div>
      <KeyboardShortcuts />
    </div>
  );
}
