"use client";

import { useId, useState } from "react";
import { useRouter } from "next/navigation";
import { Money } from "@/components/spend/money";
import { Badge } from "@/components/ui/badge";
import { Switch } from "@/components/ui/switch";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toaster";
import { nanoToUsdInput } from "@/lib/spend/format";
import type { AdminUserRow, Wire } from "@/lib/spend/types";
import { adminRequest } from "./api";
import { BudgetInput } from "./budget-input";

/** Every user: spend this month and all time, their budget (editable), enabled or disabled. */
export function UsersTable({
  users,
  defaultBudgetNano,
  currentUserId,
}: {
  users: Wire<AdminUserRow>[];
  defaultBudgetNano: string | null;
  currentUserId: string;
}) {
  const router = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const switchId = useId();

  const patch = async (user: Wire<AdminUserRow>, body: { monthlyBudgetNano?: string | null; disabled?: boolean }) => {
    await adminRequest(`/api/admin/users/${encodeURIComponent(user.id)}`, "PATCH", body);
    router.refresh();
  };

  const toggle = async (user: Wire<AdminUserRow>, enabled: boolean) => {
    setBusy(user.id);
    try {
      await patch(user, { disabled: !enabled });
      toast({
        title: enabled ? `${user.name} can sign in again` : `${user.name} is disabled`,
        description: enabled ? undefined : "All of their sessions were signed out.",
        variant: "success",
      });
    } catch (e) {
      toast({ title: "Could not change the account", description: (e as Error).message, variant: "destructive" });
    } finally {
      setBusy(null);
    }
  };

  const defaultText = defaultBudgetNano !== null ? `default ${nanoToUsdInput(defaultBudgetNano)}` : "no limit";

  return (
    <Table data-testid="admin-users">
      <TableHeader>
        <TableRow>
          <TableHead>User</TableHead>
          <TableHead className="text-right">This month</TableHead>
          <TableHead className="text-right">All time</TableHead>
          <TableHead>Monthly budget</TableHead>
          <TableHead>Enabled</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {users.map((user) => {
          const self = user.id === currentUserId;
          return (
            <TableRow key={user.id} data-testid="admin-user-row" data-email={user.email} data-user-id={user.id}>
              <TableCell className="max-w-64">
                <div className="flex items-center gap-2">
                  <span className="truncate font-medium">{user.name}</span>
                  {user.role === "admin" && <Badge variant="secondary">admin</Badge>}
                  {user.disabled && <Badge variant="destructive">disabled</Badge>}
                </div>
                <div className="truncate text-xs text-muted-foreground">{user.email}</div>
              </TableCell>
              <TableCell className="text-right">
                <Money nano={user.monthNano} testId="admin-user-month" />
                {user.pendingCount > 0 && <div className="text-xs text-muted-foreground">{user.pendingCount} pending</div>}
              </TableCell>
              <TableCell className="text-right">
                <Money nano={user.allTimeNano} testId="admin-user-all" />
              </TableCell>
              <TableCell>
                <BudgetInput
                  label={`Monthly budget of ${user.name}`}
                  valueNano={user.monthlyBudgetNano}
                  placeholder={defaultText}
                  testIdPrefix="admin-budget"
                  onSave={async (nano) => {
                    await patch(user, { monthlyBudgetNano: nano });
                    toast({ title: `Budget of ${user.name} saved`, variant: "success" });
                  }}
                />
                {user.personalLimitNano !== null && (
                  <div className="mt-1 text-xs text-muted-foreground">
                    Own limit <Money nano={user.personalLimitNano} />
                  </div>
                )}
              </TableCell>
              <TableCell>
                <Switch
                  id={`${switchId}-${user.id}`}
                  checked={!user.disabled}
                  disabled={busy === user.id || self}
                  onCheckedChange={(checked) => void toggle(user, checked)}
                  aria-label={self ? "You cannot disable your own account" : `${user.name} may sign in`}
                  data-testid="admin-enabled-toggle"
                />
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
