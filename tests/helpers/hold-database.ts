// A second process for the lock tests: opens the database in SWITCHBOARD_DATA_DIR, says
// "ready", then answers "query" lines on stdin with the user count, until stdin closes.
import { createInterface } from "node:readline";
import { openDatabase } from "../../lib/db/client";

const open = await openDatabase({ kind: "pglite", dataDir: process.env.SWITCHBOARD_DATA_DIR! });
console.log(`ready ${process.pid}`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === "query") console.log(`users ${await open.db.user.count()}`);
}
await open.close();
