// Creating a PGlite cluster (initdb in WASM) takes seconds. Do it once per run, with the
// migrations applied, and let every test file start from a copy of it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), "sb-template-"));
  const { openDatabase } = await import("../../lib/db/client");
  const db = await openDatabase({ kind: "pglite", dataDir: dir });
  await db.close();
  project.provide("pgliteTemplate", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}
