import "server-only";
import { tool } from "ai";
import { z } from "zod";
import type { CurrentTimeOutput } from "@/lib/chat/types";

export const currentTimeInput = z.object({
  timeZone: z.string().min(1).max(64).describe("An IANA time zone such as Europe/Paris, America/New_York or UTC"),
});

export function currentTime(timeZone: string, now = new Date()): CurrentTimeOutput {
  let formatted: string;
  try {
    formatted = new Intl.DateTimeFormat("en-GB", { timeZone, dateStyle: "full", timeStyle: "long" }).format(now);
  } catch {
    throw new Error(`Unknown time zone "${timeZone}". Use an IANA name such as Europe/Paris.`);
  }
  return { timeZone, iso: now.toISOString(), formatted };
}

export const currentTimeTool = tool({
  description: "The current date and time in a time zone.",
  inputSchema: currentTimeInput,
  execute: async ({ timeZone }) => currentTime(timeZone),
});
