import "server-only";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseEnv, type Env } from "./schema";

export type ServerEnv = Env & {
  /** Absolute path of the data folder. */
  dataDir: string;
  /** AUTH_SECRET, or the one generated on first start and kept in the data folder. */
  authSecret: string;
};

let cached: ServerEnv | undefined;

/** The validated environment. Throws EnvError naming the bad variable. */
export function getEnv(): ServerEnv {
  if (cached) return cached;
  const env = parseEnv(process.env);
  const dataDir = path.resolve(env.SWITCHBOARD_DATA_DIR);
  cached = { ...env, dataDir, authSecret: env.AUTH_SECRET ?? loadOrCreateSecret(dataDir) };
  return cached;
}

/** Zero-configuration start: a secret generated once and kept beside the data. */
function loadOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, "auth-secret");
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(32).toString("base64url"), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readFileSync(file, "utf8").trim();
}

export function isDemoMode(): boolean {
  return getEnv().SWITCHBOARD_DEMO;
}
