import type { Metadata } from "next";
import { SpendDashboard } from "@/components/spend/spend-dashboard";
import { requireUser } from "@/lib/auth";
import { lastDays, spendByDay } from "@/lib/spend/aggregates";
import { spendPageData } from "@/lib/spend/service";
import { toWire } from "@/lib/spend/types";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Spend · Switchboard" };

export default async function SpendPage({ searchParams }: { searchParams: Promise<{ days?: string | string[] }> }) {
  const user = await requireUser();
  const days = (await searchParams).days === "90" ? 90 : 30;
  const now = new Date();
  const range = lastDays(days, now);
  const [data, series] = await Promise.all([spendPageData(user.id, range, now), spendByDay({ userId: user.id }, range)]);
  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <SpendDashboard data={toWire(data)} series={toWire(series)} days={days} />
    </div>
  );
}
