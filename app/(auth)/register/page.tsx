import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { RegisterForm } from "@/components/auth/register-form";
import { auth } from "@/lib/auth";
import { countUsers } from "@/lib/db/users";
import { getEnv } from "@/lib/env";
import { formatUsd } from "@/lib/money";
import { getDefaultMonthlyBudget } from "@/lib/spend/settings";
import { FirstRunNote } from "./first-run-note";

export const metadata: Metadata = { title: "Create account" };
export const dynamic = "force-dynamic";

export default async function RegisterPage() {
  const session = await auth();
  const registration = getEnv().SWITCHBOARD_REGISTRATION;
  const firstRun = (await countUsers()) === 0;
  const closed = registration === "closed" && !firstRun;
  // With closed registration an admin creates accounts here; anyone else signed in goes home.
  const adminCreating = closed && session?.user?.role === "admin";
  if (session?.user && !adminCreating) redirect("/");
  const form = <RegisterForm closed={closed && !adminCreating} adminCreating={adminCreating} />;
  if (!firstRun) return form;
  const budget = await getDefaultMonthlyBudget();
  return (
    <>
      {form}
      <FirstRunNote registration={registration} defaultBudget={budget === null ? null : formatUsd(budget)} />
    </>
  );
}
