import "server-only";
import { generateText } from "ai";
import { findOwnedConversation, replaceConversationTitle } from "@/lib/db/conversations";
import { getEnv } from "@/lib/env";
import { errorFields, log } from "@/lib/log";
import { createUpstream } from "@/lib/openrouter/provider";
import { extractStepUsage } from "@/lib/openrouter/usage";
import { requireModel } from "@/lib/openrouter/catalog";
import { estimatePromptTokens, generationCostNano, releaseReservation, reserveBudget } from "@/lib/spend/budget";
import { createMeter } from "@/lib/spend/meter";

// A short title for a new conversation, from the cheap title model, after the first answer.
// The title's generations are metered (kind "title") by the same meter as an answer's
// (lib/spend/meter.ts): started when the upstream's headers name the generation, settled from
// the reported usage or later from /generation. Whatever fails, the conversation gets the first words of the user's
// message instead, and nothing here ever throws into the chat route.

const INSTRUCTIONS =
  "You name chat conversations. Reply with a title for the conversation that starts with the " +
  "user's message below: at most six words, in the message's language, no quotes, no final " +
  "punctuation, nothing else.";

const MAX_TITLE = 80;
const TIMEOUT_MS = 20_000;
/** The title's output limit, sent as `max_tokens`. */
const TITLE_MAX_TOKENS = 40;
/** The user's text the title model sees. */
const TITLE_INPUT_CHARS = 4000;
/** One retry: both attempts may be billed. */
const TITLE_RETRIES = 1;

export type TitleRequest = {
  userId: string;
  conversationId: string;
  firstUserText: string;
  /** Called with the title once it is saved (generated or fallback), to stream it to the client. */
  onTitle?: (title: string) => void;
};

/**
 * Generates, saves and reports the title. Resolves to the saved title, or null when nothing
 * was saved (the conversation is gone, or the user renamed it meanwhile). Never rejects.
 */
export async function generateTitleInBackground(request: TitleRequest): Promise<string | null> {
  const { userId, conversationId, firstUserText, onTitle } = request;
  try {
    const current = await findOwnedConversation(userId, conversationId);
    if (!current) return null;
    const title = (await generateTitle(userId, conversationId, firstUserText)) ?? fallbackTitle(firstUserText);
    // Compare-and-set: a rename by the user while the title was being generated wins.
    if (!(await replaceConversationTitle(userId, conversationId, current.title, title))) return null;
    try {
      onTitle?.(title);
    } catch (error) {
      log().warn({ error: messageOf(error) }, "reporting a title failed");
    }
    return title;
  } catch (error) {
    log().warn({ error: messageOf(error) }, "could not set a title");
    return null;
  }
}

/** The model's title, or null when it failed or said nothing usable. */
async function generateTitle(userId: string, conversationId: string, firstUserText: string): Promise<string | null> {
  const modelRequested = getEnv().SWITCHBOARD_TITLE_MODEL;
  const prompt = firstUserText.slice(0, TITLE_INPUT_CHARS);
  // Held against the budget like an answer: a user at their limit gets the first words instead.
  const reservation = await reserveTitle(userId, modelRequested, prompt);
  if (!reservation.ok) return null;
  let costPending = true;
  try {
    const outcome = await requestTitle(userId, conversationId, modelRequested, prompt);
    costPending = outcome.costPending;
    return outcome.title;
  } finally {
    // A cost still pending keeps its reservation until it expires, as an answer's does.
    if (!costPending) await releaseReservation(reservation.reservationId);
  }
}

/** Every attempt's worst case: the instructions and the text at the title model's prompt price, plus TITLE_MAX_TOKENS. */
async function reserveTitle(userId: string, modelId: string, prompt: string): Promise<{ ok: true; reservationId: string | null } | { ok: false }> {
  try {
    const model = await requireModel(modelId);
    const perAttempt = generationCostNano(model, estimatePromptTokens([INSTRUCTIONS, prompt]), TITLE_MAX_TOKENS);
    return { ok: true, ...(await reserveBudget(userId, perAttempt * BigInt(1 + TITLE_RETRIES))) };
  } catch (error) {
    // Over budget, or a title model the catalog cannot price: no title request at all.
    log().info({ error: messageOf(error) }, "no generated title");
    return { ok: false };
  }
}

async function requestTitle(
  userId: string,
  conversationId: string,
  modelRequested: string,
  prompt: string,
): Promise<{ title: string | null; costPending: boolean }> {
  // A failed attempt before a retry is billed too: the title meters every response.
  const meter = createMeter({ userId, conversationId, messageId: null, modelRequested, kind: "title", includeFailedResponses: true });
  const started = Date.now();
  let upstream;
  try {
    upstream = createUpstream({ onResponse: meter.onResponse });
  } catch (error) {
    log().warn({ error: messageOf(error) }, "no upstream for a title");
    return { title: null, costPending: false };
  }
  try {
    const result = await generateText({
      model: upstream.chat(modelRequested),
      instructions: INSTRUCTIONS,
      prompt,
      maxOutputTokens: TITLE_MAX_TOKENS,
      maxRetries: TITLE_RETRIES,
      abortSignal: AbortSignal.timeout(TIMEOUT_MS),
    });
    // The attempt that answered is the last one.
    await meter.recordStep({
      responseId: undefined,
      stepNumber: "last",
      modelServed: result.response.modelId ?? null,
      usage: extractStepUsage(result.providerMetadata, result.usage.raw),
      ttftMs: null,
      durationMs: Date.now() - started,
      finishReason: result.finishReason ?? null,
    });
    const costPending = await meter.settleLeftovers({ finishReason: "error", ttftMs: null, durationMs: null });
    return { title: cleanTitle(result.text), costPending };
  } catch (error) {
    // By class, code and status: the upstream's message can quote the text the title was asked for.
    log().warn({ error: errorFields(error) }, "title generation failed, using the first words");
    // The rows stay unsettled; the settlement job asks /generation what they cost, now.
    const costPending = await meter
      .settleLeftovers({ finishReason: "error", ttftMs: null, durationMs: Date.now() - started })
      .catch((settleError: unknown) => {
        log().warn({ error: messageOf(settleError) }, "could not schedule a title's settlement");
        return true;
      });
    return { title: null, costPending };
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** First line, without quotes, markdown emphasis, a "Title:" label or final punctuation. */
export function cleanTitle(raw: string): string | null {
  const line =
    raw
      .replace(/<think>[\s\S]*?<\/think>/gi, "")
      .split("\n")
      .map((l) => l.trim())
      .find(Boolean) ?? "";
  const title = line
    .replace(/^(#+\s*)?(title\s*:\s*)/i, "")
    .replace(/^[\s"'“”‘’`*_#]+|[\s"'“”‘’`*_]+$/g, "")
    .replace(/[.!?:;,]+$/, "")
    .replace(/\s+/g, " ")
    .trim();
  if (!title) return null;
  return truncateWords(title, MAX_TITLE);
}

/** The first words of the user's message, as a title. */
export function fallbackTitle(text: string): string {
  const words = text
    .replace(/[`*_#>[\]()]+/g, " ")
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 6)
    .join(" ");
  return words ? truncateWords(words, 60) : "New chat";
}

function truncateWords(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const cut = chars.slice(0, max - 1).join("");
  const space = cut.lastIndexOf(" ");
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}
