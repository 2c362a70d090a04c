// 3. History at scale: the sidebar's first and next pages and full-text search over 10,000
//    conversations and 200,000 messages, on PGlite and on PostgreSQL. Server time is the wall
//    time of the HTTP request (loopback, keep-alive); the app's own query functions are also
//    timed in-process, and the EXPLAIN ANALYZE plans of their SQL go into the report.
import { isMain, log } from "./lib/context";
import { explain, type BenchDb, type Captured } from "./lib/db";
import { spread, timeCalls, timeGets, type HttpTiming } from "./lib/measure";
import { atMost, httpTable, info, newSection, summaryTable, type Section } from "./lib/report";
import { runAlone, type BenchEnv } from "./lib/runner";
import { HEAVY, postgresAvailable, type Kind } from "./lib/scale";
import { vocabulary } from "./lib/seed";
import type { Summary } from "./lib/stats";

type SearchCase = { name: string; q: string };

/** Search terms with known frequencies in the seeded text (Zipf-like, see lib/seed.ts). */
export function searchCases(): SearchCase[] {
  const v = vocabulary();
  return [
    { name: "most common word (in every message)", q: v[0]! },
    { name: "frequent word (rank 20)", q: v[20]! },
    { name: "medium word (rank 400)", q: v[400]! },
    { name: "rare word (rank 4000)", q: v[4000]! },
    { name: "two words (ranks 300 and 1000)", q: `${v[300]} ${v[1000]}` },
    { name: "prefix while typing (3 letters)", q: v[500]!.slice(0, 3) },
    { name: "quoted phrase (websearch syntax)", q: `"${v[2]} ${v[3]}"` },
    { name: "no match", q: "zzqxjvv" },
  ];
}

type KindResult = {
  kind: Kind;
  seedSeconds: number;
  seedCpuSeconds: number;
  fromCache: boolean;
  pages: number;
  inProcess: Record<string, Summary>;
  http: Record<string, HttpTiming>;
  plans: { name: string; plan: string }[];
};

/** Slowest captured query of a call: the one worth explaining. */
function mainQuery(captured: Captured[]): Captured | undefined {
  return [...captured].sort((a, b) => b.durationMs - a.durationMs)[0];
}

async function inProcessPhase(db: BenchDb, quick: boolean, cases: SearchCase[]) {
  // Imported here, not at the top: a module of the app that does not load fails this section only.
  const { listConversations } = await import("../lib/history/list");
  const { searchConversations } = await import("../lib/history/search");
  const runs = quick ? 10 : 40;
  // Walk every page once, as a user scrolling to the end would: the cursors for "next page".
  const cursors: string[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await listConversations(HEAVY.id, { limit: 50, cursor });
    if (!page.nextCursor) break;
    cursors.push(page.nextCursor);
    cursor = page.nextCursor;
  }
  db.take();
  const inProcess: Record<string, Summary> = {};
  const plans: { name: string; plan: string }[] = [];
  const plan = async (name: string, fn: () => Promise<unknown>) => {
    db.take();
    await fn();
    const q = mainQuery(db.take());
    if (q) plans.push({ name, plan: `${q.query.replace(/\s+/g, " ").trim()}\n-- params: ${q.params}\n\n${await explain(db.sql, q)}` });
  };
  inProcess["sidebar first page"] = await timeCalls(() => listConversations(HEAVY.id, { limit: 50 }), runs, 30_000);
  const sample = spread(cursors, runs);
  inProcess["sidebar next page"] = await timeCalls(
    (i) => listConversations(HEAVY.id, { limit: 50, cursor: sample[Math.max(0, i) % sample.length] }),
    runs,
    30_000,
  );
  await plan("sidebar first page", () => listConversations(HEAVY.id, { limit: 50 }));
  await plan("sidebar page 150 of 200 (cursor)", () =>
    listConversations(HEAVY.id, { limit: 50, cursor: cursors[Math.floor(cursors.length * 0.75)] }),
  );
  for (const c of cases) {
    inProcess[`search: ${c.name}`] = await timeCalls(() => searchConversations(HEAVY.id, c.q, 20), Math.ceil(runs / 2), 30_000);
    await plan(`search: ${c.name} — q=${c.q}`, () => searchConversations(HEAVY.id, c.q, 20));
  }
  db.take();
  return { cursors, inProcess, plans };
}

async function runKind(env: BenchEnv, kind: Kind): Promise<KindResult> {
  const quick = env.args.quick;
  const cases = searchCases();
  const info = await env.scale.database(kind);
  log(`history[${kind}]: in-process timings and plans`);
  const { cursors, inProcess, plans } = await env.scale.inProcess(kind, (db) => inProcessPhase(db, quick, cases));
  if (cursors.length === 0) throw new Error("the sidebar has a single page: nothing to page through");
  log(`history[${kind}]: ${cursors.length + 1} sidebar pages; HTTP timings`);
  const { app, cookie } = await env.scale.app(kind);
  const base = `${app.url}/api/conversations`;
  const n = quick ? 30 : 200;
  const pageCheck = (_s: number, body: string) => ((JSON.parse(body) as { items: unknown[] }).items.length === 50 ? null : "not 50 items");
  // Warm-up: the route modules load and the caches fill on first use.
  await timeGets(
    [`${base}?limit=50`, `${base}?q=${encodeURIComponent(cases[2]!.q)}`, `${app.url}/api/me/preferences`, `${app.url}/api/health`],
    cookie,
    20,
    30_000,
  );
  const pid = app.child.pid!;
  const http: Record<string, HttpTiming> = {};
  // Floors: a route with one raw query and no session; a signed-in route with one small query.
  http["floor: GET /api/health (no session, SELECT 1)"] = await timeGets([`${app.url}/api/health`], "", n, 60_000, null, pid);
  http["floor: GET /api/me/preferences (session + 1 query)"] = await timeGets([`${app.url}/api/me/preferences`], cookie, n, 60_000, null, pid);
  http["sidebar first page"] = await timeGets([`${base}?limit=50`], cookie, n, 60_000, pageCheck, pid);
  http["sidebar next page"] = await timeGets(
    spread(cursors, n).map((c) => `${base}?limit=50&cursor=${encodeURIComponent(c)}`),
    cookie,
    n,
    60_000,
    pageCheck,
    pid,
  );
  for (const c of cases) {
    http[`search: ${c.name}`] = await timeGets([`${base}?q=${encodeURIComponent(c.q)}`], cookie, quick ? 10 : 40, 60_000, null, pid);
  }
  return {
    kind,
    seedSeconds: info.seedSeconds,
    seedCpuSeconds: info.seedCpuSeconds,
    fromCache: info.fromCache,
    pages: cursors.length + 1,
    inProcess,
    http,
    plans,
  };
}

function allSearch(http: Record<string, HttpTiming>): { p50: number; p95: number; count: number } {
  // Pool the per-request times of every search case: recompute from the summaries' raw counts is
  // not possible, so take the case-weighted view: p95 of all = the worst case's p95 bounds it.
  const cases = Object.entries(http).filter(([k]) => k.startsWith("search:"));
  const count = cases.reduce((n, [, t]) => n + t.total.count, 0);
  const p50 = cases.reduce((n, [, t]) => n + t.total.p50 * t.total.count, 0) / count;
  return { p50, p95: Math.max(...cases.map(([, t]) => t.total.p95)), count };
}

export async function history(env: BenchEnv): Promise<Section> {
  const section = newSection("history", "3. History at scale");
  const kinds: Kind[] = ["pglite"];
  if (!env.args.skipPostgres && (await postgresAvailable())) kinds.push("postgres");
  else section.notes.push("PostgreSQL skipped (--skip-postgres, or nothing answers at 127.0.0.1:5432).");
  // Seed both at once: PGlite works in this process, PostgreSQL in its server's.
  await Promise.all(kinds.map((k) => env.scale.database(k)));
  const results: KindResult[] = [];
  for (const kind of kinds) results.push(await runKind(env, kind));
  const scale = env.scale.scale;
  for (const r of results) {
    const label = r.kind === "pglite" ? "PGlite" : "PostgreSQL";
    const search = allSearch(r.http);
    section.checks.push(
      atMost(`${label}: sidebar first page p95`, r.http["sidebar first page"]!.total.p95, 20, "ms"),
      atMost(`${label}: sidebar next page p95`, r.http["sidebar next page"]!.total.p95, 20, "ms"),
      atMost(`${label}: search p95 (worst query class)`, search.p95, 100, "ms"),
      info(`${label}: search p50 (all queries)`, search.p50, "ms"),
      info(
        `${label}: seeding (wall)`,
        r.seedSeconds,
        "s",
        r.fromCache
          ? "copied from the cached seed"
          : `${scale.conversations} conversations, ${scale.conversations * scale.messagesPerConversation + scale.longConversationMessages} messages, ${scale.usageRows} usage rows, seeded together with the other database; ${Math.round(r.seedCpuSeconds)} CPU s in this process`,
      ),
    );
    const errors = Object.entries(r.http).filter(([, t]) => t.errors > 0);
    for (const [name, t] of errors) section.notes.push(`${label} ${name}: ${t.errors} failed requests, e.g. ${t.lastError}`);
    section.markdown.push(
      `### ${label}: HTTP wall time (loopback, keep-alive)`,
      httpTable(Object.entries(r.http)),
      `### ${label}: the app's query functions called in-process (no HTTP, no auth)`,
      summaryTable(Object.entries(r.inProcess).map(([label, s]) => ({ label, s }))),
      `### ${label}: EXPLAIN (ANALYZE, BUFFERS) of the SQL those functions sent`,
      ...r.plans.map((p) => `<details><summary>${p.name}</summary>\n\n\`\`\`\n${p.plan}\n\`\`\`\n</details>`),
    );
  }
  section.notes.push(
    `One user owns all ${scale.conversations} conversations (20 messages each, Zipf-distributed words, 1% in the trash, a few pinned) plus one ${scale.longConversationMessages}-message conversation; 9 other users share 10% of the usage rows. Search terms have known frequencies: see \`searchCases()\`.`,
    "Next page = a spread of cursors over the whole list (page 2 to the last page), obtained by walking it once.",
    "Search p95 check: the worst query class's p95 (each class timed separately).",
  );
  section.data = { results };
  return section;
}

if (isMain(import.meta.url)) await runAlone("history", "3. History at scale", history);
