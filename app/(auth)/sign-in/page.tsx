import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { auth } from "@/lib/auth";
import { SignInForm } from "@/components/auth/sign-in-form";
import { configuredOAuthProviders } from "@/lib/auth/providers";
import { getEnv } from "@/lib/env";
import { safeRedirectPath } from "@/lib/http";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  if ((await auth())?.user) redirect(safeCallback(callbackUrl));
  return (
    <SignInForm
      callbackUrl={safeCallback(callbackUrl)}
      oauthProviders={configuredOAuthProviders()}
      registrationOpen={getEnv().SWITCHBOARD_REGISTRATION === "open"}
    />
  );
}

/** Only same-site paths: never an open redirect. */
function safeCallback(value: string | undefined): string {
  return safeRedirectPath(value);
}
