// Exact money text and small parsers shared by the spend API and UI. Client-safe.
import { NANO_PER_USD, usdToNano } from "@/lib/money";

/** nano-USD → "0.000007765": exact USD text with all nine decimal places. */
export function nanoToUsdText(nano: bigint | string): string {
  const value = typeof nano === "string" ? BigInt(nano) : nano;
  const negative = value < 0n;
  const abs = negative ? -value : value;
  return `${negative ? "-" : ""}${abs / NANO_PER_USD}.${(abs % NANO_PER_USD).toString().padStart(9, "0")}`;
}

/** "12.5" (dollars, as typed by a person) → nano-USD; throws on anything that is not a plain non-negative amount. */
export function parseUsdInput(text: string): bigint {
  const trimmed = text.trim().replace(/^\$/, "");
  if (!/^\d{1,12}(\.\d{0,9})?$/.test(trimmed)) throw new Error("Enter an amount in dollars, like 5 or 12.50.");
  return usdToNano(trimmed);
}

/** nano-USD → "12.5" for an input field: exact, no trailing zeros. */
export function nanoToUsdInput(nano: bigint | string | null | undefined): string {
  if (nano === null || nano === undefined) return "";
  const text = nanoToUsdText(nano);
  return text.replace(/\.?0+$/, "");
}
