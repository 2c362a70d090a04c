// One Switchboard for the suite, on a fresh data folder (and a fresh PostgreSQL database in the
// PostgreSQL run), talking to a local OpenRouter over HTTP with a known test key (so the
// key-secrecy checks have something to look for).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startLocalOpenRouterProcess } from "@/local-openrouter/spawn";
import { startApp } from "@/tests/helpers/app";
import { createE2eDatabase, e2eDatabase } from "./fixtures/database";
import { E2E_ATTACHMENT_MAX_BYTES, E2E_OPENROUTER_KEY } from "./fixtures/constants";

export default async function globalSetup() {
  console.log(`[e2e] servers of this run use ${e2eDatabase() === "postgres" ? "PostgreSQL" : "PGlite"}`);
  const upstream = await startLocalOpenRouterProcess({ key: E2E_OPENROUTER_KEY });
  const database = await createE2eDatabase();
  const app = await startApp({
    env: {
      OPENROUTER_API_KEY: E2E_OPENROUTER_KEY,
      OPENROUTER_BASE_URL: upstream.baseURL,
      SWITCHBOARD_CHAT_RATE_PER_MINUTE: "1000",
      // Small, so the oversize-attachment journey uploads 2 MiB rather than the default's 10.
      SWITCHBOARD_ATTACHMENT_MAX_BYTES: String(E2E_ATTACHMENT_MAX_BYTES),
      DATABASE_URL: database.url,
    },
  });
  process.env.SB_E2E_URL = app.url;
  process.env.SB_E2E_UPSTREAM_URL = upstream.url;
  process.env.SB_E2E_DATA_DIR = app.dataDir;
  return async () => {
    await app.stop();
    // The server's own output, for reading after a failure (CI keeps test-results/).
    mkdirSync("test-results", { recursive: true });
    writeFileSync(path.join("test-results", `e2e-${e2eDatabase()}-server.log`), app.output());
    await database.drop().catch(() => undefined);
    await upstream.stop();
  };
}
