import { z } from "zod";

// The messages between a bounded job's caller (./bounded.ts) and its worker: `ready`
// once the worker's code has loaded, then one reply per job, one job at a time. Plain data only:
// they cross a thread boundary by structured clone.

export type JobRequest = { id: number; input: unknown };

export const workerMessageSchema = z.union([
  z.object({ ready: z.literal(true) }),
  z.object({ id: z.number().int(), ok: z.literal(true), output: z.unknown() }),
  z.object({ id: z.number().int(), ok: z.literal(false), message: z.string() }),
]);

export type WorkerMessage = z.infer<typeof workerMessageSchema>;
