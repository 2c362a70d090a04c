// Next.js calls register() once per server process at start-up. Here, in the Node.js runtime
// only: the settlement loop (costs of stopped or broken streams, from OpenRouter's
// /generation), and with REDIS_URL the listener for stop requests from other instances and
// the sweeper that saves the answers of instances that died mid-stream. Nothing opens the
// database at import, and nothing runs during `next build`.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  // `npm start` validates before Next starts; the standalone server (Docker) has only this.
  const { EnvError, parseEnv } = await import("@/lib/env/schema");
  try {
    parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const { ensureSettlementLoop } = await import("@/lib/spend/settlement");
  ensureSettlementLoop();
  const { describeDeployment } = await import("@/lib/redis/deployment");
  describeDeployment();
}
