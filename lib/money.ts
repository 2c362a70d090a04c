// Money is integer nano-USD (1e-9 USD) as bigint. Client-safe.
// Conversions parse decimal text exactly; a float is never multiplied.

export const NANO_PER_USD = 1_000_000_000n;

/**
 * Exact nano-USD from a decimal USD string ("0.000007765", "1.5e-7", "0").
 * Digits past the ninth decimal place are rounded half-up (costs carry at most nine in practice;
 * a few listed per-token prices carry ten or eleven, see `perMillion`; the local OpenRouter never more).
 */
export function usdToNano(value: string | number): bigint {
  const text = typeof value === "number" ? numberToDecimalString(value) : value.trim();
  const match = /^(-)?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match || (match[2] === "" && (match[3] ?? "") === "")) throw new Error(`Not a decimal amount: ${value}`);
  const [, sign, intPart, fracPart = "", expPart] = match;
  const exponent = Number(expPart ?? "0");
  let digits = (intPart || "0") + fracPart;
  let point = (intPart || "0").length + exponent; // position of the decimal point in `digits`
  if (point < 0) {
    digits = "0".repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits = digits + "0".repeat(point - digits.length);
  const whole = digits.slice(0, point) || "0";
  const frac = digits.slice(point);
  const nineFrac = (frac + "000000000").slice(0, 9);
  let nano = BigInt(whole) * NANO_PER_USD + BigInt(nineFrac);
  if (frac.length > 9 && Number(frac[9]) >= 5) nano += 1n;
  return sign ? -nano : nano;
}

/** A JS number's shortest round-trip decimal text, without exponent surprises. */
function numberToDecimalString(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`Not a finite amount: ${value}`);
  return String(value);
}

/** nano-USD → "$0.0012" style text for people: enough digits to be honest about small sums. */
export function formatUsd(nano: bigint | string | null | undefined, options: { precise?: boolean } = {}): string {
  if (nano === null || nano === undefined) return "—";
  const value = typeof nano === "string" ? BigInt(nano) : nano;
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / NANO_PER_USD;
  const frac = (abs % NANO_PER_USD).toString().padStart(9, "0");
  let shown: string;
  if (options.precise) {
    shown = `${whole}.${frac.replace(/0+$/, "").padEnd(2, "0")}`;
  } else if (abs === 0n) {
    shown = "0.00";
  } else {
    // ≥ $1: cents; ≥ $0.01: four places; below: two significant digits, so $0.0000078 shows
    const firstDigit = frac.search(/[1-9]/);
    const places = whole > 0n ? 2 : abs >= 10_000_000n ? 4 : Math.min(9, Math.max(4, firstDigit + 2));
    shown = roundToPlaces(abs, places);
  }
  return `${negative ? "-" : ""}$${shown}`;
}

function roundToPlaces(nano: bigint, places: number): string {
  const divisor = 10n ** BigInt(9 - places);
  const rounded = (nano + divisor / 2n) / divisor;
  const text = rounded.toString().padStart(places + 1, "0");
  return `${text.slice(0, -places)}.${text.slice(-places)}`;
}

/**
 * USD per token (catalog string) → USD per million tokens as a short display string. Scaled before
 * rounding: listed prices can have more than nine decimals (0.0000000375 per token is $0.0375 per
 * million, not $0.038; recorded in the 2025 listing local-openrouter/catalog-recorded.json was made from).
 */
export function perMillion(usdPerToken: string | undefined): string {
  if (!usdPerToken) return "—";
  const [, mantissa, exponent = "0"] = /^(.*?)(?:[eE]([+-]?\d+))?$/.exec(usdPerToken.trim())!;
  const nano = usdToNano(`${mantissa}e${Number(exponent) + 6}`); // nano-USD per million tokens
  return formatUsd(nano, { precise: false });
}
