import { KeySpendCard, type KeySpendRows } from "@/components/spend/key-spend";
import { BreakdownCard, Figure } from "@/components/spend/spend-cards";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { AdminApiKeyView } from "@/lib/api-keys/schemas";
import type { AliasView } from "@/lib/model-aliases/types";
import type { AdminUserRow, ByModelRow, SpendTotals, Wire } from "@/lib/spend/types";
import { AliasesSection } from "./aliases-section";
import { ApiAccessSwitch } from "./api-access-switch";
import { ApiKeysAdminTable } from "./api-keys-table";
import { DefaultBudgetForm } from "./default-budget-form";
import { McpServersCard } from "@/components/mcp/mcp-servers-card";
import { UsersTable } from "./users-table";

export function AdminDashboard({
  users,
  defaultBudgetNano,
  defaultBudgetFromEnvironment,
  totals,
  byKey,
  byModel,
  currentUserId,
  apiAccessEnabled,
  apiKeys,
  aliases,
}: {
  users: Wire<AdminUserRow>[];
  defaultBudgetNano: string | null;
  /** True until an admin saves a default here: it then comes from SWITCHBOARD_DEFAULT_USER_BUDGET_USD. */
  defaultBudgetFromEnvironment: boolean;
  totals: Wire<SpendTotals>;
  /** Last 30 days by personal key, all users, each key with its owner. */
  byKey: KeySpendRows;
  byModel: Wire<ByModelRow>[];
  currentUserId: string;
  apiAccessEnabled: boolean;
  apiKeys: AdminApiKeyView[];
  aliases: AliasView[];
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

      <Card>
        <CardHeader>
          <CardTitle>API keys</CardTitle>
          <CardDescription>
            Personal keys for the OpenAI-compatible API at <code>/api/v1</code>. Turning access off refuses every key without revoking any; revoking a
            key ends it for good.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          <ApiAccessSwitch enabled={apiAccessEnabled} />
          <ApiKeysAdminTable keys={apiKeys} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Model aliases</CardTitle>
          <CardDescription>
            Team names for catalog models, such as <code>team-default</code> or <code>fast</code>: usable with API keys, and offered first in
            everyone&apos;s model picker (where choosing one picks its model).
          </CardDescription>
        </CardHeader>
        <CardContent>
          <AliasesSection aliases={aliases} />
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

      <KeySpendCard
        rows={byKey}
        showOwner
        testId="admin-spend-by-key"
        description="Last 30 days: every personal API key with its owner; Chat is everyone's chat together."
      />

      <McpServersCard scope="team" />
    </div>
  );
}
