import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { RegisterForm } from "@/components/auth/register-form";
import { auth } from "@/lib/auth";
import { countUsers } from "@/lib/db/users";
import { getEnv } from "@/lib/env";

export const metadata: Metadata = { title: "Create account" };
export const dynamic = "force-dynamic";

export default async function RegisterPage() {
  const session = await auth();
  const closed = getEnv().SWITCHBOARD_REGISTRATION === "closed" && (await countUsers()) > 0;
  // With closed registration an admin creates accounts here; anyone else signed in goes home.
  const adminCreating = closed && session?.user?.role === "admin";
  if (session?.user && !adminCreating) redirect("/");
  return <RegisterForm closed={closed && !adminCreating} adminCreating={adminCreating} />;
}
