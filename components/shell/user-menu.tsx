"use client";

import { LogOut, Shield, UserRound } from "lucide-react";
import Link from "next/link";
import { signOutAction } from "@/app/(app)/actions";
import { ThemeToggle } from "@/components/theme/theme-toggle";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import type { ShellUser } from "./sidebar";

export function UserMenu({ user }: { user: ShellUser }) {
  return (
    <div className="flex items-center gap-1">
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" className="min-w-0 flex-1 justify-start gap-2" data-testid="user-menu">
            <UserRound className="size-4 shrink-0" aria-hidden />
            <span className="truncate" data-testid="user-name">
              {user.name}
            </span>
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="start" className="w-60">
          <DropdownMenuLabel className="font-normal">
            <div className="truncate text-sm font-medium">{user.name}</div>
            <div className="truncate text-xs text-muted-foreground">{user.email}</div>
          </DropdownMenuLabel>
          <DropdownMenuSeparator />
          {user.role === "admin" && (
            <DropdownMenuItem asChild data-testid="admin-link">
              <Link href="/admin">
                <Shield className="size-4" aria-hidden /> Administration
              </Link>
            </DropdownMenuItem>
          )}
          <DropdownMenuItem
            data-testid="sign-out"
            onSelect={() => {
              void signOutAction();
            }}
          >
            <LogOut className="size-4" aria-hidden /> Sign out
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <ThemeToggle />
    </div>
  );
}
