// The scale databases shared by the history, spend, browser and bundle benchmarks: seeded
// once per run (PGlite: from a cached seed when one matches, copied so runs never share
// state; PostgreSQL: a database of our own, dropped at the end), then either opened in this
// process (in-process timings, EXPLAIN) or served by the app — never both at once on PGlite.
import { createHash } from "node:crypto";
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { RunningApp } from "../../tests/helpers/app";
import { signIn } from "./auth";
import { log, onCleanup, root, scratchDir, tmpDir } from "./context";
import { openBenchDb, type BenchDb } from "./db";
import type { BenchEnv } from "./runner";
import { bulkLoad, FULL_SCALE, QUICK_SCALE, SEED_VERSION, seedHistory, seedLongConversation, seedUsage, seedUser, type Scale } from "./seed";
import { startBenchApp } from "./servers";

export type Kind = "pglite" | "postgres";

export const HEAVY = { id: "bench-heavy-user-0001", email: "bench-heavy@example.com", name: "Heavy Bench", password: "bench-heavy-password" };
export const OTHERS = Array.from({ length: 9 }, (_, i) => ({
  id: `bench-other-user-000${i}`,
  email: `bench-other-${i}@example.com`,
  name: `Other ${i}`,
  password: "bench-other-password",
}));
export const LONG_CONVERSATION_ID = "bench-long-conversation";

export type ScaleDb = {
  kind: Kind;
  scale: Scale;
  dataDir?: string;
  url?: string;
  seedSeconds: number;
  /** CPU seconds this process spent seeding (PGlite seeds in-process; PostgreSQL's work is in its server). */
  seedCpuSeconds: number;
  fromCache: boolean;
};

export type ScaleApp = { app: RunningApp; db: ScaleDb; cookie: string };

const POSTGRES_BASE = process.env.SB_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_BASE, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** An empty database of our own on the local PostgreSQL (the app migrates it), dropped at cleanup. */
export async function createPostgresDatabase(label: string, keep = false): Promise<string> {
  const name = `sb_bench_${label}_${Date.now().toString(36)}_${process.pid}`;
  const admin = new pg.Client({ connectionString: POSTGRES_BASE });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  onCleanup(`drop ${name}`, async () => {
    if (keep) return;
    const c = new pg.Client({ connectionString: POSTGRES_BASE });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
    log(`postgres: dropped ${name}`);
  });
  const url = new URL(POSTGRES_BASE);
  url.pathname = `/${name}`;
  return url.toString();
}

function migrationsHash(): string {
  const dir = path.join(root, "prisma", "migrations");
  const h = createHash("sha256");
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name, "migration.sql");
    if (existsSync(file)) h.update(name).update(readFileSync(file));
  }
  return h.digest("hex").slice(0, 12);
}

export class ScaleEnvironments {
  private dbs = new Map<Kind, Promise<ScaleDb>>();
  private apps = new Map<Kind, Promise<ScaleApp>>();

  constructor(private readonly env: BenchEnv) {}

  get scale(): Scale {
    return this.env.args.quick ? QUICK_SCALE : FULL_SCALE;
  }

  database(kind: Kind): Promise<ScaleDb> {
    let p = this.dbs.get(kind);
    if (!p) {
      p = kind === "pglite" ? this.preparePglite() : this.preparePostgres();
      this.dbs.set(kind, p);
    }
    return p;
  }

  /** Runs `fn` with the database open in this process (stopping its app first on PGlite). */
  async inProcess<T>(kind: Kind, fn: (db: BenchDb, info: ScaleDb) => Promise<T>): Promise<T> {
    const info = await this.database(kind);
    if (kind === "pglite") await this.stopApp(kind);
    const db = await openBenchDb(kind === "pglite" ? { kind, dataDir: info.dataDir! } : { kind, url: info.url! });
    try {
      return await fn(db, info);
    } finally {
      await db.close();
    }
  }

  /** The app serving the scale database, and the heavy user's session. */
  app(kind: Kind): Promise<ScaleApp> {
    let p = this.apps.get(kind);
    if (!p) {
      p = (async () => {
        const db = await this.database(kind);
        const upstream = await this.env.upstream();
        const app = await startBenchApp({
          upstream,
          dataDir: db.dataDir ?? scratchDir(`${kind}-app`, this.env.args.keep),
          databaseUrl: db.url,
          cpuProfDir: this.env.profileDir(`scale-${kind}`),
        });
        const cookie = await signIn(app.url, HEAVY);
        return { app, db, cookie };
      })();
      this.apps.set(kind, p);
      p.catch(() => this.apps.delete(kind));
    }
    return p;
  }

  async stopApp(kind: Kind): Promise<void> {
    const p = this.apps.get(kind);
    if (!p) return;
    this.apps.delete(kind);
    try {
      const { app } = await p;
      await app.stop();
    } catch {
      /* it never started */
    }
  }

  async stopAll(): Promise<void> {
    for (const kind of [...this.apps.keys()]) await this.stopApp(kind);
  }

  private async seed(db: BenchDb): Promise<void> {
    const scale = this.scale;
    const { sql } = db;
    const t0 = Date.now();
    await seedUser(sql, HEAVY);
    for (const o of OTHERS) await seedUser(sql, o);
    log(`seed[${db.kind}]: ${scale.conversations} conversations × ${scale.messagesPerConversation} messages`);
    await bulkLoad(sql, ["Conversation", "Message"], async () => {
      await seedHistory(sql, HEAVY.id, scale.conversations, scale.messagesPerConversation);
      await seedLongConversation(sql, HEAVY.id, LONG_CONVERSATION_ID, scale.longConversationMessages);
    });
    const t1 = Date.now();
    log(`seed[${db.kind}]: history in ${((t1 - t0) / 1000).toFixed(0)} s; ${scale.usageRows} usage rows`);
    await bulkLoad(sql, ["Usage"], () =>
      seedUsage(
        sql,
        HEAVY.id,
        OTHERS.map((o) => o.id),
        scale.usageRows,
        scale.conversations,
      ),
    );
    const t2 = Date.now();
    log(`seed[${db.kind}]: usage in ${((t2 - t1) / 1000).toFixed(0)} s; VACUUM ANALYZE`);
    await sql.exec("VACUUM ANALYZE");
    log(`seed[${db.kind}]: done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }

  private async preparePglite(): Promise<ScaleDb> {
    const scale = this.scale;
    const key = `v${SEED_VERSION}-${scale.conversations}x${scale.messagesPerConversation}-u${scale.usageRows}-l${scale.longConversationMessages}-${migrationsHash()}`;
    const cache = path.join(tmpDir(), "seed-cache", key);
    const dataDir = scratchDir("pglite-scale", this.env.args.keep);
    let seedSeconds = 0;
    let fromCache = false;
    let seedCpuSeconds = 0;
    if (this.env.args.fresh || !existsSync(path.join(cache, "pglite"))) {
      const started = Date.now();
      const cpu0 = process.cpuUsage();
      const db = await openBenchDb({ kind: "pglite", dataDir });
      try {
        await this.seed(db);
      } finally {
        await db.close();
      }
      seedSeconds = (Date.now() - started) / 1000;
      const cpu = process.cpuUsage(cpu0);
      seedCpuSeconds = (cpu.user + cpu.system) / 1e6;
      // Keep a copy for the next run (PGlite folders are plain files once closed).
      const partial = `${cache}.partial-${process.pid}`;
      rmSync(partial, { recursive: true, force: true });
      cpSync(dataDir, partial, { recursive: true, filter: (src) => !src.endsWith("switchboard.lock") });
      rmSync(cache, { recursive: true, force: true });
      renameSync(partial, cache);
    } else {
      const started = Date.now();
      cpSync(cache, dataDir, { recursive: true });
      fromCache = true;
      log(`seed[pglite]: copied the cached seed ${key} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    return { kind: "pglite", scale, dataDir, seedSeconds, seedCpuSeconds, fromCache };
  }

  private async preparePostgres(): Promise<ScaleDb> {
    const url = await createPostgresDatabase("scale", this.env.args.keep);
    const started = Date.now();
    const cpu0 = process.cpuUsage();
    const db = await openBenchDb({ kind: "postgres", url });
    try {
      await this.seed(db);
    } finally {
      await db.close();
    }
    const cpu = process.cpuUsage(cpu0);
    return {
      kind: "postgres",
      scale: this.scale,
      url,
      seedSeconds: (Date.now() - started) / 1000,
      seedCpuSeconds: (cpu.user + cpu.system) / 1e6,
      fromCache: false,
    };
  }
}
