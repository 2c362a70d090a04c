// What the figures were measured on.
import { cpus, freemem, loadavg, totalmem, release, platform } from "node:os";
import { readFileSync } from "node:fs";

export type Machine = {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  node: string;
  os: string;
  loadAverage: [number, number, number];
  cgroupCpuLimit: string | null;
};

export function describeMachine(): Machine {
  const list = cpus();
  const avg = loadavg();
  return {
    cpuModel: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${platform()} ${release()}`,
    loadAverage: [round(avg[0]!), round(avg[1]!), round(avg[2]!)],
    cgroupCpuLimit: cgroupLimit(),
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function cgroupLimit(): string | null {
  try {
    const [quota, period] = readFileSync("/sys/fs/cgroup/cpu.max", "utf8").trim().split(/\s+/);
    if (!quota || quota === "max") return null;
    return `${(Number(quota) / Number(period)).toFixed(2)} CPUs`;
  } catch {
    return null;
  }
}
