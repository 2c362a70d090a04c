// 4. Spend at scale: the spend page's aggregates over 1,000,000 usage rows (90% of them the
//    measured user's, spread over a year), for every groupBy and the summary, over the default
//    30 days and over a whole year. HTTP wall time is the server time; in-process timings and
//    EXPLAIN ANALYZE plans of the app's own aggregate queries go into the report.
import { isMain, log } from "./lib/context";
import { explain, type BenchDb, type Captured } from "./lib/db";
import { timeCalls, timeGets, type HttpTiming } from "./lib/measure";
import { atMost, httpTable, info, newSection, summaryTable, type Section } from "./lib/report";
import { runAlone, type BenchEnv } from "./lib/runner";
import { HEAVY, postgresAvailable, type Kind } from "./lib/scale";
import type { Summary } from "./lib/stats";
import type { GroupBy } from "../lib/spend/service";

const GROUPS: GroupBy[] = ["day", "model", "provider", "conversation"];

function yearQuery(): { from: string; to: string } {
  const to = new Date();
  const from = new Date(to.getTime() - 364 * 86_400_000);
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
}

type KindResult = {
  kind: Kind;
  http: Record<string, HttpTiming>;
  inProcess: Record<string, Summary>;
  plans: { name: string; plan: string }[];
  inProcessError?: string;
};

async function inProcessPhase(db: BenchDb, quick: boolean) {
  process.env.SWITCHBOARD_SETTLEMENT = "off"; // no background loop in the benchmark process
  // Imported here, not at the top: a module of the app that does not load fails this section only.
  const { spendGrouped, spendSummary } = await import("../lib/spend/service");
  const { rangeFromQuery } = await import("../lib/spend/range");
  const runs = quick ? 10 : 30;
  const year = yearQuery();
  const inProcess: Record<string, Summary> = {};
  const plans: { name: string; plan: string }[] = [];
  const slowest = (c: Captured[]) => [...c].sort((a, b) => b.durationMs - a.durationMs)[0];
  const measure = async (name: string, fn: () => Promise<unknown>) => {
    inProcess[name] = await timeCalls(fn, runs, 30_000);
    db.take();
    await fn();
    const q = slowest(db.take());
    if (q) plans.push({ name, plan: `${q.query.replace(/\s+/g, " ").trim()}\n-- params: ${q.params}\n\n${await explain(db.sql, q)}` });
  };
  for (const g of GROUPS) await measure(`groupBy=${g}, 30 days`, () => spendGrouped({ userId: HEAVY.id }, rangeFromQuery({}), g));
  for (const g of GROUPS) await measure(`groupBy=${g}, 365 days`, () => spendGrouped({ userId: HEAVY.id }, rangeFromQuery(year), g));
  await measure("summary", () => spendSummary(HEAVY.id));
  return { inProcess, plans };
}

async function runKind(env: BenchEnv, kind: Kind): Promise<KindResult> {
  const quick = env.args.quick;
  log(`spend[${kind}]: in-process timings and plans`);
  let inProcess: Record<string, Summary> = {};
  let plans: { name: string; plan: string }[] = [];
  let inProcessError: string | undefined;
  try {
    ({ inProcess, plans } = await env.scale.inProcess(kind, (db) => inProcessPhase(db, quick)));
  } catch (error) {
    inProcessError = (error as Error).message.split("\n")[0];
    log(`spend[${kind}]: in-process phase failed (${inProcessError}); HTTP timings go on`);
  }
  log(`spend[${kind}]: HTTP timings`);
  const { app, cookie } = await env.scale.app(kind);
  const year = yearQuery();
  const n = quick ? 20 : 100;
  const urls: Record<string, string> = {};
  for (const g of GROUPS) urls[`groupBy=${g}, 30 days`] = `${app.url}/api/spend?groupBy=${g}`;
  for (const g of GROUPS) urls[`groupBy=${g}, 365 days`] = `${app.url}/api/spend?groupBy=${g}&from=${year.from}&to=${year.to}`;
  urls.summary = `${app.url}/api/spend/summary`;
  await timeGets(Object.values(urls), cookie, 2 * Object.keys(urls).length, 30_000);
  const http: Record<string, HttpTiming> = {};
  const pid = app.child.pid!;
  for (const [name, url] of Object.entries(urls)) http[name] = await timeGets([url], cookie, n, 60_000, null, pid);
  http["the /spend page (HTML, server-rendered)"] = await timeGets([`${app.url}/spend`], cookie, quick ? 5 : 20, 60_000, null, pid);
  return { kind, http, inProcess, plans, inProcessError };
}

export async function spend(env: BenchEnv): Promise<Section> {
  const section = newSection("spend", "4. Spend at scale");
  const kinds: Kind[] = ["pglite"];
  if (!env.args.skipPostgres && (await postgresAvailable())) kinds.push("postgres");
  else section.notes.push("PostgreSQL skipped (--skip-postgres, or nothing answers at 127.0.0.1:5432).");
  const results: KindResult[] = [];
  for (const kind of kinds) results.push(await runKind(env, kind));
  for (const r of results) {
    const label = r.kind === "pglite" ? "PGlite" : "PostgreSQL";
    const api = Object.entries(r.http).filter(([k]) => !k.startsWith("the /spend"));
    const worst = api.reduce((a, b) => (b[1].total.p95 > a[1].total.p95 ? b : a));
    section.checks.push(atMost(`${label}: spend API p95, slowest endpoint (${worst[0]})`, worst[1].total.p95, 150, "ms"));
    for (const [name, t] of api) if (name !== worst[0]) section.checks.push(info(`${label}: ${name} p95`, t.total.p95, "ms"));
    for (const [name, t] of Object.entries(r.http)) if (t.errors) section.notes.push(`${label} ${name}: ${t.errors} failed, e.g. ${t.lastError}`);
    if (r.inProcessError) section.notes.push(`${label}: the in-process timings and plans failed: ${r.inProcessError}`);
    section.markdown.push(
      `### ${label}: HTTP wall time (loopback, keep-alive)`,
      httpTable(Object.entries(r.http)),
      `### ${label}: the app's spend functions called in-process`,
      summaryTable(Object.entries(r.inProcess).map(([label, s]) => ({ label, s }))),
      `### ${label}: EXPLAIN (ANALYZE, BUFFERS) of each call's slowest query`,
      ...r.plans.map((p) => `<details><summary>${p.name}</summary>\n\n\`\`\`\n${p.plan}\n\`\`\`\n</details>`),
    );
  }
  section.notes.push(
    `${env.scale.scale.usageRows} usage rows seeded with batched SQL (triggers off during the load, the rollups then rebuilt with the spend migration's own backfill statements); 90% belong to the measured user over 365 days, 1% await their cost.`,
  );
  section.data = { results };
  return section;
}

if (isMain(import.meta.url)) await runAlone("spend", "4. Spend at scale", spend);
