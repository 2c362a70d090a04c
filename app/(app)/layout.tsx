import { redirect } from "next/navigation";
import { AppShell } from "@/components/shell/app-shell";
import { requireUser } from "@/lib/auth";
import { isDemoMode } from "@/lib/env";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

export default async function SignedInLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser().catch((error: unknown) => {
    if (error instanceof AppError && error.status === 401) redirect("/sign-in");
    throw error;
  });
  return (
    <AppShell user={{ name: user.name, email: user.email, role: user.role }} demo={isDemoMode()}>
      {children}
    </AppShell>
  );
}
