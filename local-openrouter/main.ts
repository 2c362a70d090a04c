/**
 * CLI entry of the local OpenRouter: `npm run openrouter:local` (tsx local-openrouter/main.ts).
 *
 * Environment:
 *   LOCAL_OPENROUTER_PORT                 port (default 4010; 0 = a free port)
 *   LOCAL_OPENROUTER_HOST                 host (default 127.0.0.1)
 *   LOCAL_OPENROUTER_KEY                  if set, the only Bearer key accepted (never printed)
 *   LOCAL_OPENROUTER_RATE                 default tokens per second (default 200; 0 = no pacing)
 *   LOCAL_OPENROUTER_GENERATION_DELAY_MS  delay before /generation knows a record (default 300)
 *   LOCAL_OPENROUTER_STREAM_SHAPE         2025 or 2026: every stream in that recorded shape (default: by provider)
 *   LOCAL_OPENROUTER_EXIT_WITH_PARENT     1: stop when stdin closes (the parent that spawned it died)
 *
 * Prints exactly one line when ready: `local-openrouter listening on http://HOST:PORT`.
 * Stops on SIGTERM / SIGINT.
 */
import { startLocalOpenRouter } from "./server";

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`local-openrouter: ignoring ${name}: not a non-negative number\n`);
    return undefined;
  }
  return n;
}

function envShape(): "2025" | "2026" | undefined {
  const raw = process.env.LOCAL_OPENROUTER_STREAM_SHAPE;
  if (raw === "2025" || raw === "2026") return raw;
  if (raw) process.stderr.write("local-openrouter: ignoring LOCAL_OPENROUTER_STREAM_SHAPE: not 2025 or 2026\n");
  return undefined;
}

async function main(): Promise<void> {
  const key = process.env.LOCAL_OPENROUTER_KEY;
  const server = await startLocalOpenRouter({
    port: envNumber("LOCAL_OPENROUTER_PORT") ?? 4010,
    host: process.env.LOCAL_OPENROUTER_HOST || "127.0.0.1",
    apiKey: key && key.length > 0 ? key : undefined,
    tokensPerSecond: envNumber("LOCAL_OPENROUTER_RATE"),
    generationDelayMs: envNumber("LOCAL_OPENROUTER_GENERATION_DELAY_MS"),
    streamShape: envShape(),
  });
  process.stdout.write(`local-openrouter listening on ${server.url}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    server
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        process.stderr.write(`local-openrouter: error while stopping on ${signal}: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      });
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  if (process.env.LOCAL_OPENROUTER_EXIT_WITH_PARENT === "1") {
    process.stdin.on("close", () => stop("SIGTERM"));
    process.stdin.on("end", () => stop("SIGTERM"));
    process.stdin.resume();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`local-openrouter: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
