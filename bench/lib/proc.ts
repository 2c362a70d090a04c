// CPU time and memory of a process and all its descendants, from /proc (Linux).
// CPU is utime + stime of every live process in the tree (children the tree already reaped
// are in their parent's cutime/cstime, which we add too), in seconds.
import { readFileSync, readdirSync } from "node:fs";

const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux x86-64 and arm64
const PAGE_BYTES = 4096;

type Stat = { pid: number; ppid: number; utime: number; stime: number; cutime: number; cstime: number; rssPages: number };

function readStat(pid: number): Stat | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const rest = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
    // rest[0] is field 3 (state); field N is rest[N - 3].
    return {
      pid,
      ppid: Number(rest[1]),
      utime: Number(rest[11]),
      stime: Number(rest[12]),
      cutime: Number(rest[13]),
      cstime: Number(rest[14]),
      rssPages: Number(rest[21]),
    };
  } catch {
    return null;
  }
}

/** The pid and every descendant of it that is alive now. */
export function processTree(root: number): Stat[] {
  const all: Stat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) all.push(stat);
  }
  const byParent = new Map<number, Stat[]>();
  for (const s of all) {
    const list = byParent.get(s.ppid) ?? [];
    list.push(s);
    byParent.set(s.ppid, list);
  }
  const rootStat = all.find((s) => s.pid === root);
  if (!rootStat) return [];
  const out: Stat[] = [];
  const queue = [rootStat];
  while (queue.length) {
    const s = queue.shift()!;
    out.push(s);
    queue.push(...(byParent.get(s.pid) ?? []));
  }
  return out;
}

export type TreeUsage = { cpuSeconds: number; rssBytes: number; processes: number };

export function treeUsage(root: number): TreeUsage {
  const tree = processTree(root);
  let ticks = 0;
  let rss = 0;
  for (const s of tree) {
    ticks += s.utime + s.stime + s.cutime + s.cstime;
    rss += s.rssPages * PAGE_BYTES;
  }
  return { cpuSeconds: ticks / CLOCK_TICKS, rssBytes: rss, processes: tree.length };
}

/** Samples the tree's RSS every `everyMs` until stopped; returns the peak and the CPU used. */
export function sampleTree(root: number, everyMs = 100) {
  const start = treeUsage(root);
  let peakRss = start.rssBytes;
  const timer = setInterval(() => {
    const u = treeUsage(root);
    if (u.rssBytes > peakRss) peakRss = u.rssBytes;
  }, everyMs);
  timer.unref();
  return {
    stop(): { cpuSeconds: number; peakRssBytes: number; startRssBytes: number; endRssBytes: number } {
      clearInterval(timer);
      const end = treeUsage(root);
      if (end.rssBytes > peakRss) peakRss = end.rssBytes;
      return { cpuSeconds: end.cpuSeconds - start.cpuSeconds, peakRssBytes: peakRss, startRssBytes: start.rssBytes, endRssBytes: end.rssBytes };
    },
  };
}
