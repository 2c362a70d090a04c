// Next.js calls register() once per server process at start-up. Here, in the Node.js runtime
// only, lib/instance.ts starts what the server needs: the environment validated (the standalone
// server has no start script to do it), crash recovery when the database opens, the settlement
// loop (costs of stopped or broken streams, from OpenRouter's /generation), and with REDIS_URL
// the shared catalog, the listener for stop requests from other instances and the sweeper that
// saves the answers of instances that died mid-stream. Nothing opens the database at import, and
// nothing runs during `next build`. First of all, each request's socket address is stamped on it
// (lib/http/peer-stamp.ts): the one client address a client cannot write itself.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { installPeerAddressStamp } = await import("@/lib/http/peer-stamp");
  installPeerAddressStamp();
  const { startInstance } = await import("@/lib/instance");
  startInstance();
}
