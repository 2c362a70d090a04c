"use client";

import { useRouter } from "next/navigation";
import { toast } from "@/components/ui/toaster";
import { adminRequest } from "./api";
import { BudgetInput } from "./budget-input";

/** The monthly budget of every user who has none of their own. */
export function DefaultBudgetForm({ defaultBudgetNano }: { defaultBudgetNano: string | null }) {
  const router = useRouter();
  return (
    <BudgetInput
      label="Default monthly budget"
      valueNano={defaultBudgetNano}
      placeholder="no limit"
      testIdPrefix="admin-default-budget"
      onSave={async (nano) => {
        await adminRequest("/api/admin/settings", "PUT", { defaultMonthlyBudgetNano: nano });
        toast({ title: nano === null ? "Default budget removed" : "Default budget saved", variant: "success" });
        router.refresh();
      }}
    />
  );
}
