// Next.js calls register() once per server process at start-up. The settlement loop (costs of
// stopped or broken streams, from OpenRouter's /generation) starts here, in the Node.js runtime
// only; it opens the database on its first tick, never at import and never during `next build`.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { ensureSettlementLoop } = await import("@/lib/spend/settlement");
    ensureSettlementLoop();
  }
}
