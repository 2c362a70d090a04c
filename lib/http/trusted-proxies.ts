import "server-only";
import { getEnv } from "@/lib/env";
import { trustedProxies, type TrustedProxies } from "./client-address";

let parsed: { entries: readonly string[]; proxies: TrustedProxies } | undefined;

/** SWITCHBOARD_TRUSTED_PROXIES, parsed once per environment. */
export function configuredTrustedProxies(): TrustedProxies {
  const entries = getEnv().SWITCHBOARD_TRUSTED_PROXIES;
  if (parsed?.entries !== entries) parsed = { entries, proxies: trustedProxies(entries) };
  return parsed.proxies;
}
