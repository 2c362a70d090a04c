// The report: every benchmark returns a Section; run.ts (or a benchmark run alone) writes them
// as JSON and as a Markdown table with the machine they were measured on.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describeMachine, type Machine } from "./machine";
import { root, resultsDir, log } from "./context";
import type { Summary } from "./stats";

/** One figure with a target: `ok` is null when there is no target (information only). */
export type Check = {
  figure: string;
  value: number | null;
  unit: string;
  target: string | null;
  ok: boolean | null;
  note?: string;
};

export type Section = {
  id: string;
  title: string;
  seconds: number;
  checks: Check[];
  /** Extra Markdown (tables, plans) printed under the section's heading. */
  markdown: string[];
  notes: string[];
  data: Record<string, unknown>;
  skipped?: string;
  error?: string;
};

export type Report = {
  generatedAt: string;
  quick: boolean;
  git: { commit: string | null; dirty: boolean | null };
  machine: Machine;
  build: Record<string, unknown>;
  totalSeconds: number;
  /** Load average when the run ended (the machine is shared: read figures against it). */
  machineAtEnd?: { loadAverage: [number, number, number] };
  sections: Section[];
};

export function newSection(id: string, title: string): Section {
  return { id, title, seconds: 0, checks: [], markdown: [], notes: [], data: {} };
}

/** A check against "at most" a target (`value ≤ max`). */
export function atMost(figure: string, value: number, max: number, unit: string, note?: string): Check {
  return { figure, value: round(value), unit, target: `≤ ${max} ${unit}`.trim(), ok: Number.isFinite(value) ? value <= max : false, note };
}

export function atLeast(figure: string, value: number, min: number, unit: string, note?: string): Check {
  return { figure, value: round(value), unit, target: `≥ ${min} ${unit}`.trim(), ok: Number.isFinite(value) ? value >= min : false, note };
}

export function info(figure: string, value: number, unit: string, note?: string): Check {
  return { figure, value: round(value), unit, target: null, ok: null, note };
}

function round(v: number): number {
  if (!Number.isFinite(v)) return v;
  return Math.abs(v) >= 100 ? Math.round(v * 10) / 10 : Math.round(v * 100) / 100;
}

export function gitState(): Report["git"] {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain"], { cwd: root, encoding: "utf8" }).trim().length > 0;
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}

export function newReport(quick: boolean, build: Record<string, unknown>): Report {
  return { generatedAt: new Date().toISOString(), quick, git: gitState(), machine: describeMachine(), build, totalSeconds: 0, sections: [] };
}

const fmt = (v: number | null) => (v === null ? "—" : Number.isFinite(v) ? String(v) : String(v));
const status = (ok: boolean | null) => (ok === null ? "" : ok ? "✅" : "❌");

/** A Markdown table of HTTP timings: wall time, time to headers, and server CPU per request. */
export function httpTable(rows: [string, { total: Summary; headers: Summary; serverCpuMs: number | null }][]): string {
  return [
    "| | n | p50 ms | p95 ms | p99 ms | max ms | headers p50 / p95 ms | server CPU ms / request |",
    "|---|---:|---:|---:|---:|---:|---|---:|",
    ...rows.map(
      ([label, t]) =>
        `| ${label} | ${t.total.count} | ${round(t.total.p50)} | ${round(t.total.p95)} | ${round(t.total.p99)} | ${round(t.total.max)} | ${round(t.headers.p50)} / ${round(t.headers.p95)} | ${t.serverCpuMs === null ? "" : round(t.serverCpuMs)} |`,
    ),
  ].join("\n");
}

/** A Markdown table of summaries (ms): one row per label. */
export function summaryTable(rows: { label: string; s: Summary; extra?: string }[], unit = "ms", extraHeader?: string): string {
  const head = `| | n | p50 ${unit} | p95 ${unit} | p99 ${unit} | max ${unit} |${extraHeader ? ` ${extraHeader} |` : ""}`;
  const sep = `|---|---:|---:|---:|---:|---:|${extraHeader ? "---|" : ""}`;
  const body = rows.map(
    ({ label, s, extra }) =>
      `| ${label} | ${s.count} | ${round(s.p50)} | ${round(s.p95)} | ${round(s.p99)} | ${round(s.max)} |${extraHeader ? ` ${extra ?? ""} |` : ""}`,
  );
  return [head, sep, ...body].join("\n");
}

export function toMarkdown(report: Report): string {
  const m = report.machine;
  const lines: string[] = [];
  lines.push(`# Switchboard benchmarks${report.quick ? " (quick run: small counts, not for comparison)" : ""}`);
  lines.push("");
  const buildSeconds = typeof report.build.buildSeconds === "number" ? Math.round(report.build.buildSeconds) : null;
  lines.push(
    `Generated ${report.generatedAt} in ${Math.round(report.totalSeconds)} s (${Math.round(report.totalSeconds / 60)} min; ${buildSeconds === null ? "existing build reused" : `build ${buildSeconds} s`}), commit ${report.git.commit ?? "?"}${report.git.dirty ? " (with uncommitted changes)" : ""}.`,
  );
  lines.push("");
  lines.push(
    `Machine: ${m.cpuModel}, ${m.cores} cores${m.cgroupCpuLimit ? ` (cgroup limit ${m.cgroupCpuLimit})` : ""}, ${m.memoryGiB} GiB memory, Node ${m.node}, ${m.os}; load average (1/5/15 min) at start ${m.loadAverage.join(" / ")}${report.machineAtEnd ? `, at the end ${report.machineAtEnd.loadAverage.join(" / ")}` : ""}.`,
  );
  lines.push("");
  lines.push(
    "Every figure is measured against the local OpenRouter in the same run, over loopback. Server times are wall times of HTTP requests from a loopback client with keep-alive.",
  );
  lines.push("");
  lines.push("## Targets");
  lines.push("");
  lines.push("| Benchmark | Figure | Value | Target | |");
  lines.push("|---|---|---:|---|---|");
  for (const s of report.sections) {
    if (s.skipped || s.error) {
      lines.push(`| ${s.title} | ${s.skipped ? `skipped: ${s.skipped}` : `error: ${s.error}`} | | | ${s.error ? "❌" : ""} |`);
      continue;
    }
    for (const c of s.checks) {
      if (c.target === null) continue;
      lines.push(`| ${s.title} | ${c.figure} | ${fmt(c.value)} ${c.unit} | ${c.target} | ${status(c.ok)} |`);
    }
  }
  for (const s of report.sections) {
    lines.push("");
    lines.push(`## ${s.title}`);
    lines.push("");
    if (s.skipped) lines.push(`Skipped: ${s.skipped}`);
    if (s.error) lines.push(`Error: ${s.error}`);
    const infos = s.checks.filter((c) => c.target === null);
    if (infos.length) {
      lines.push("| Figure | Value | Note |");
      lines.push("|---|---:|---|");
      for (const c of infos) lines.push(`| ${c.figure} | ${fmt(c.value)} ${c.unit} | ${c.note ?? ""} |`);
      lines.push("");
    }
    for (const block of s.markdown) {
      lines.push(block);
      lines.push("");
    }
    for (const note of s.notes) lines.push(`- ${note}`);
    lines.push("");
    lines.push(`(${Math.round(s.seconds)} s)`);
  }
  return lines.join("\n") + "\n";
}

export function writeReport(report: Report, name = "latest"): { json: string; md: string } {
  const json = path.join(resultsDir(), `${name}.json`);
  const md = path.join(resultsDir(), `${name}.md`);
  mkdirSync(path.dirname(json), { recursive: true });
  writeFileSync(json, JSON.stringify(report, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n");
  writeFileSync(md, toMarkdown(report));
  log(`report: ${path.relative(root, json)}, ${path.relative(root, md)}`);
  return { json, md };
}
