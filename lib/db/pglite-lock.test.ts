import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir, hostname } from "node:os";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { openDatabase } from "@/lib/db/client";
import { AppError } from "@/lib/errors";

const root = path.resolve(import.meta.dirname, "..", "..");

/** A migrated PGlite folder of its own, copied from the run's template. */
function freshDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "sb-lock-"));
  cpSync(inject("pgliteTemplate"), dir, { recursive: true });
  return dir;
}

function holdDatabase(dataDir: string) {
  const child = spawn(
    process.execPath,
    [path.join(root, "node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", "tests/helpers/hold-database.ts"],
    { cwd: root, env: { ...process.env, SWITCHBOARD_DATA_DIR: dataDir }, stdio: ["pipe", "pipe", "inherit"] },
  );
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const waitFor = async (pattern: RegExp) => {
    const deadline = Date.now() + 60_000;
    while (!pattern.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${pattern} in: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return pattern.exec(out)!;
  };
  return { child, waitFor };
}

describe("one PGlite folder, one process", () => {
  it("a second process fails at once naming the holder; the first keeps working", { timeout: 120_000 }, async () => {
    const dataDir = freshDataDir();
    const holder = holdDatabase(dataDir);
    const [, pid] = await holder.waitFor(/ready (\d+)/);

    const started = Date.now();
    const error = await openDatabase({ kind: "pglite", dataDir }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("database_locked:db");
    expect((error as AppError).message).toContain(`process ${pid}`);

    holder.child.stdin!.write("query\n");
    await holder.waitFor(/users 0/);
    holder.child.stdin!.end();
    await new Promise((r) => holder.child.once("exit", r));

    // Released on exit: now this process may open it.
    const open = await openDatabase({ kind: "pglite", dataDir });
    expect(await open.db.user.count()).toBe(0);
    await open.close();
  });

  it("a lock left by a process that died (kill -9) is taken over", async () => {
    const dataDir = freshDataDir();
    writeFileSync(
      path.join(dataDir, "switchboard.lock"),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), startedAt: new Date().toISOString(), command: "gone" }),
    );
    const open = await openDatabase({ kind: "pglite", dataDir });
    expect(await open.db.user.count()).toBe(0);
    await open.close();
  });
});
