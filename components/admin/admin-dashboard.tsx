import { BreakdownCard, Figure } from "@/components/spend/spend-cards";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { AdminUserRow, ByModelRow, SpendTotals, Wire } from "@/lib/spend/types";
import { DefaultBudgetForm } from "./default-budget-form";
import { McpServersCard } from "./mcp-servers";
import { UsersTable } from "./users-table";

export function AdminDashboard({
  users,
  defaultBudgetNano,
  defaultBudgetFromEnvironment,
  totals,
  byModel,
  currentUserId,
}: {
  users: Wire<AdminUserRow>[];
  defaultBudgetNano: string | null;
  /** True until an admin saves a default here: it then comes from SWITCHBOARD_DEFAULT_USER_BUDGET_USD. */
  defaultBudgetFromEnvironment: boolean;
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
        <Figure label="Today, all users" nano={totals.todayNano} testId="admin-spend-today" />
        <Figure label="This month, all users" nano={totals.monthNano} testId="admin-spend-month" />
        <Figure label="All time, all users" nano={totals.allTimeNano} testId="admin-spend-all" />
      </section>

      <Card>
        <CardHeader>
          <CardTitle>Default budget for users</CardTitle>
          <CardDescription>
            Applies to every user without a budget of their own. Leave empty for no limit. Users can always set a lower limit for themselves.
            {defaultBudgetFromEnvironment && (
              <span data-testid="admin-default-budget-source">
                {" "}
                Until you save one here, it is the server&apos;s <code>SWITCHBOARD_DEFAULT_USER_BUDGET_USD</code>.
              </span>
            )}
          </CardDescription>
        </CardHeader>
        <CardContent>
          <DefaultBudgetForm defaultBudgetNano={defaultBudgetNano} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Users</CardTitle>
          <CardDescription>An empty budget follows the default. Disabling an account signs it out everywhere at once.</CardDescription>
        </CardHeader>
        <CardContent>
          <UsersTable users={users} defaultBudgetNano={defaultBudgetNano} currentUserId={currentUserId} />
        </CardContent>
      </Card>

      <BreakdownCard
        title="Spend per model, all users"
        description="Last 30 days, by the model that answered."
        column="Model"
        testId="admin-spend-by-model"
        rowAttribute="data-model"
        emptyText="No answers in the last 30 days."
        rows={byModel.map((m) => ({ key: m.model, label: m.model, ...m }))}
      />

      <McpServersCard />
    </div>
  );
}
