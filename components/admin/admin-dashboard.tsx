import { Money } from "@/components/spend/money";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { AdminUserRow, ByModelRow, SpendTotals, Wire } from "@/lib/spend/types";
import { DefaultBudgetForm } from "./default-budget-form";
import { UsersTable } from "./users-table";

const numberFormat = new Intl.NumberFormat("en");

export function AdminDashboard({
  users,
  defaultBudgetNano,
  totals,
  byModel,
  currentUserId,
}: {
  users: Wire<AdminUserRow>[];
  defaultBudgetNano: string | null;
  totals: Wire<SpendTotals>;
  byModel: Wire<ByModelRow>[];
  currentUserId: string;
}) {
  return (
    <div className="mx-auto flex w-full max-w-6xl flex-col gap-6 p-4 md:p-6" data-testid="admin-page">
      <div>
        <h1 className="text-xl font-semibold">Administration</h1>
        <p className="text-sm text-muted-foreground">Users, their spend and their budgets. Months and days are UTC.</p>
      </div>

      <section className="grid gap-3 sm:grid-cols-3" aria-label="Spend of all users">
        {(
          [
            ["Today, all users", totals.todayNano, "admin-spend-today"],
            ["This month, all users", totals.monthNano, "admin-spend-month"],
            ["All time, all users", totals.allTimeNano, "admin-spend-all"],
          ] as const
        ).map(([label, nano, testId]) => (
          <Card key={testId} className="gap-1 py-4">
            <CardHeader className="px-4">
              <CardDescription>{label}</CardDescription>
            </CardHeader>
            <CardContent className="px-4">
              <Money nano={nano} testId={testId} className="text-2xl font-semibold" />
            </CardContent>
          </Card>
        ))}
      </section>

      <Card>
        <CardHeader>
          <CardTitle>Default budget for users</CardTitle>
          <CardDescription>
            Applies to every user without a budget of their own. Leave empty for no limit. Users can always set a lower limit for themselves.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <DefaultBudgetForm defaultBudgetNano={defaultBudgetNano} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Users</CardTitle>
          <CardDescription>
            An empty budget follows the default. Disabling an account signs it out everywhere at once.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <UsersTable users={users} defaultBudgetNano={defaultBudgetNano} currentUserId={currentUserId} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Spend per model, all users</CardTitle>
          <CardDescription>Last 30 days, by the model that answered.</CardDescription>
        </CardHeader>
        <CardContent>
          <Table data-testid="admin-spend-by-model">
            <TableHeader>
              <TableRow>
                <TableHead>Model</TableHead>
                <TableHead className="text-right">Answers</TableHead>
                <TableHead className="text-right">Cost</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {byModel.length === 0 && (
                <TableRow>
                  <TableCell colSpan={3} className="text-muted-foreground">
                    No answers in the last 30 days.
                  </TableCell>
                </TableRow>
              )}
              {byModel.map((m) => (
                <TableRow key={m.model} data-testid="admin-spend-by-model-row" data-model={m.model} data-nano={m.costNano}>
                  <TableCell>{m.model}</TableCell>
                  <TableCell className="text-right tabular-nums">{numberFormat.format(m.generations)}</TableCell>
                  <TableCell className="text-right">
                    <Money nano={m.costNano} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
    </div>
  );
}
