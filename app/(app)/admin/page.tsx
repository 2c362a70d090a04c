import type { Metadata } from "next";
import { AdminDashboard } from "@/components/admin/admin-dashboard";
import { AdminsOnly } from "@/components/admin/admins-only";
import { getApiAccessEnabled } from "@/lib/api-keys/access";
import { adminListApiKeys } from "@/lib/api-keys/keys";
import { requireUser } from "@/lib/auth";
import { listAliases } from "@/lib/model-aliases/store";
import { lastDays, spendByModel, spendTotals } from "@/lib/spend/aggregates";
import { adminKeySpend, adminUsers } from "@/lib/spend/service";
import { getDefaultBudgetSetting } from "@/lib/spend/settings";
import { toWire } from "@/lib/spend/types";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Administration · Switchboard" };

export default async function AdminPage() {
  const user = await requireUser();
  // The API answers 403; the page says why in words.
  if (user.role !== "admin") return <AdminsOnly />;
  const now = new Date();
  const [{ users, defaultBudgetNano }, defaultBudget, totals, byModel, apiAccessEnabled, apiKeys, aliases] = await Promise.all([
    adminUsers(now),
    getDefaultBudgetSetting(),
    spendTotals({}, now),
    spendByModel({}, lastDays(30, now)),
    getApiAccessEnabled(),
    adminListApiKeys(),
    listAliases(),
  ]);
  const byKey = await adminKeySpend(now);
  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <AdminDashboard
        users={toWire(users)}
        defaultBudgetNano={defaultBudgetNano === null ? null : defaultBudgetNano.toString()}
        defaultBudgetFromEnvironment={defaultBudget.source === "environment"}
        totals={toWire(totals)}
        byKey={toWire(byKey)}
        byModel={toWire(byModel)}
        currentUserId={user.id}
        apiAccessEnabled={apiAccessEnabled}
        apiKeys={apiKeys}
        aliases={aliases}
      />
    </div>
  );
}
