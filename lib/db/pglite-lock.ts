import "server-only";
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { AppError } from "@/lib/errors";

// PGlite is one process's database: a second process opening the same folder corrupts it.
// A lock file that names its holder lets the second process fail at once and say who holds
// it. Written here rather than with proper-lockfile because that package records no holder
// (pid, command) to name, and staleness must be judged by "is that pid alive", not mtime.

type LockHolder = { pid: number; host: string; startedAt: string; command: string };

export class DataDirLock {
  private released = false;
  private constructor(private readonly file: string) {}

  static acquire(file: string): DataDirLock {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(file, "wx", 0o600);
        const holder: LockHolder = {
          pid: process.pid,
          host: hostname(),
          startedAt: new Date().toISOString(),
          command: process.argv.slice(1).join(" ").slice(0, 300),
        };
        writeSync(fd, JSON.stringify(holder));
        closeSync(fd);
        const lock = new DataDirLock(file);
        process.once("exit", () => lock.release());
        return lock;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        const holder = readHolder(file);
        if (holder && isAlive(holder)) {
          throw new AppError(
            "database_locked:db",
            `The data folder is in use by process ${holder.pid} on ${holder.host} ` +
              `(started ${holder.startedAt}: ${holder.command}). Stop that process, or point ` +
              `SWITCHBOARD_DATA_DIR at another folder. Lock file: ${file}`,
          );
        }
        // The holder died without releasing (kill -9, power loss): the lock is stale.
        try {
          unlinkSync(file);
        } catch {
          /* another process removed it first; try again */
        }
      }
    }
    throw new AppError("database_locked:db", `Could not take the data folder lock ${file}.`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      const holder = readHolder(this.file);
      if (holder?.pid === process.pid) unlinkSync(this.file);
    } catch {
      /* already gone */
    }
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as LockHolder;
  } catch {
    return undefined;
  }
}

function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true; // cannot check another machine: assume it is alive
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
