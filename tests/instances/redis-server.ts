// A redis-server of the test's own on a free loopback port, with no persistence, so a test can
// stop and restart it without touching anyone else's Redis. `findRedisServer()` says why there
// is none, for a skip with a printed reason.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import { freePort } from "../helpers/ports";

const CANDIDATES = [process.env.REDIS_SERVER_BIN, "/usr/bin/redis-server", "/usr/local/bin/redis-server"];

export function findRedisServer(): { bin: string } | { reason: string } {
  for (const bin of CANDIDATES) if (bin && existsSync(bin)) return { bin };
  return { reason: "no redis-server binary (install Debian's redis-server; .ci/run does)" };
}

export type TestRedis = {
  port: number;
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Commands straight to the server (INFO, MONITOR-free checks). */
  command(...args: string[]): Promise<string>;
};

export async function startTestRedis(): Promise<TestRedis> {
  const found = findRedisServer();
  if (!("bin" in found)) throw new Error(found.reason);
  const port = await freePort();
  let child: ChildProcess | null = null;
  const launch = async () => {
    child = spawn(found.bin, ["--save", "", "--appendonly", "no", "--port", String(port), "--bind", "127.0.0.1"], {
      stdio: "ignore",
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      try {
        if ((await send(port, ["PING"])).startsWith("+PONG")) return;
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not start on port ${port}`);
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        running.once("exit", () => resolve());
        running.kill("SIGKILL");
      });
    },
    async start() {
      if (!child) await launch();
    },
    command: (...args) => send(port, args),
  };
}

/** One RESP command on a fresh socket; the raw reply. */
function send(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let reply = "";
    socket.setTimeout(2_000, () => socket.destroy(new Error("timeout")));
    socket.on("error", reject);
    socket.on("data", (d) => {
      reply += d.toString();
      if (reply.endsWith("\r\n")) {
        socket.end();
        resolve(reply);
      }
    });
    socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`);
  });
}
