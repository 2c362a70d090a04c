import "server-only";
import { getEnv } from "@/lib/env";

export type OAuthProviderInfo = { id: "github" | "google"; name: string };

/** OAuth providers switched on by the environment, for the sign-in page's buttons. */
export function configuredOAuthProviders(): OAuthProviderInfo[] {
  const env = getEnv();
  const list: OAuthProviderInfo[] = [];
  if (env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET) list.push({ id: "github", name: "GitHub" });
  if (env.AUTH_GOOGLE_ID && env.AUTH_GOOGLE_SECRET) list.push({ id: "google", name: "Google" });
  return list;
}
