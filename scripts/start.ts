// The one entry point that runs Switchboard: validates the configuration (stopping with a
// message that names the bad variable), starts the local OpenRouter when no key is set
// (demo mode), then runs the Next.js production server on PORT.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import nextEnv from "@next/env";
import { EnvError, parseEnv } from "../lib/env/schema";
import { startLocalOpenRouterProcess } from "../local-openrouter/spawn";

const root = path.resolve(import.meta.dirname, "..");

async function main() {
  // The same .env files Next would read, so the key in .env is seen before demo mode is decided.
  nextEnv.loadEnvConfig(root, false);
  let env;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  // A fresh clone needs only `npm install && npm start`: the first start builds.
  if (!existsSync(path.join(root, process.env.SB_DIST_DIR || ".next", "BUILD_ID"))) {
    console.log("No production build yet: building once (`npm run build`), this takes a minute or two.");
    const build = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (build.status !== 0) {
      console.error("The build failed (see above); nothing was started.");
      process.exit(1);
    }
  }

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    // Self-hosted: nothing phones home.
    NEXT_TELEMETRY_DISABLED: "1",
    SWITCHBOARD_DATA_DIR: path.resolve(env.SWITCHBOARD_DATA_DIR),
  };
  const children: ChildProcess[] = [];

  if (!env.OPENROUTER_API_KEY) {
    const key = `sb-local-${randomBytes(18).toString("hex")}`;
    const upstream = await startLocalOpenRouterProcess({ key });
    children.push(upstream.child);
    Object.assign(childEnv, {
      OPENROUTER_API_KEY: key,
      OPENROUTER_BASE_URL: upstream.baseURL,
      SWITCHBOARD_DEMO: "1",
    });
    console.log(`demo mode: no OPENROUTER_API_KEY, answers come from the local OpenRouter at ${upstream.url}`);
  }

  const next = spawn(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(env.PORT)], {
    cwd: root,
    env: childEnv,
    stdio: "inherit",
  });
  children.push(next);

  const stop = (signal: NodeJS.Signals) => {
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  next.on("exit", (code, signal) => {
    stop("SIGTERM");
    process.exit(code ?? (signal ? 1 : 0));
  });
}

void main();
