import "server-only";
import { generateText } from "ai";
import { findOwnedConversation, replaceConversationTitle } from "@/lib/db/conversations";
import { markGenerationsDue, recordGenerationResult, recordGenerationStarted } from "@/lib/db/usage";
import { getEnv } from "@/lib/env";
import { createUpstream } from "@/lib/openrouter/provider";
import { extractStepUsage } from "@/lib/openrouter/usage";

// A short title for a new conversation, from the cheap title model, after the first answer.
// The title's generation is recorded as a Usage row (kind "title") exactly like an answer's:
// started when the upstream's headers name the generation, settled from the reported usage or
// later from /generation. Whatever fails, the conversation gets the first words of the user's
// message instead, and nothing here ever throws into the chat route.

const INSTRUCTIONS =
  "You name chat conversations. Reply with a title for the conversation that starts with the " +
  "user's message below: at most six words, in the message's language, no quotes, no final " +
  "punctuation, nothing else.";

const MAX_TITLE = 80;
const TIMEOUT_MS = 20_000;

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
      console.warn("[title] onTitle failed:", error instanceof Error ? error.message : error);
    }
    return title;
  } catch (error) {
    console.warn("[title] could not set a title:", error instanceof Error ? error.message : error);
    return null;
  }
}

/** The model's title, or null when it failed or said nothing usable. */
async function generateTitle(userId: string, conversationId: string, firstUserText: string): Promise<string | null> {
  const env = getEnv();
  const modelRequested = env.SWITCHBOARD_TITLE_MODEL;
  const generations: string[] = [];
  const recording: Promise<void>[] = [];
  const started = Date.now();
  let upstream;
  try {
    upstream = createUpstream({
      onResponse: ({ generationId }) => {
        if (!generationId || generations.includes(generationId)) return;
        generations.push(generationId);
        recording.push(
          recordGenerationStarted({ userId, conversationId, messageId: null, generationId, modelRequested, kind: "title" }).catch(
            (error: unknown) => console.warn("[title] usage row not recorded:", error instanceof Error ? error.message : error),
          ),
        );
      },
    });
  } catch (error) {
    console.warn("[title] no upstream:", error instanceof Error ? error.message : error);
    return null;
  }
  try {
    const result = await generateText({
      model: upstream.chat(modelRequested),
      instructions: INSTRUCTIONS,
      prompt: firstUserText.slice(0, 4000),
      maxOutputTokens: 40,
      maxRetries: 1,
      abortSignal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await Promise.all(recording);
    const generationId = generations[generations.length - 1];
    // Attempts that failed before the one that answered are billed too: settle them now.
    await markGenerationsDue(generations.slice(0, -1));
    if (generationId) {
      const usage = extractStepUsage(result.providerMetadata, result.usage.raw);
      await recordGenerationResult(generationId, {
        ...usage,
        modelServed: result.response.modelId ?? null,
        ttftMs: null,
        durationMs: Date.now() - started,
        finishReason: result.finishReason ?? null,
      });
    }
    return cleanTitle(result.text);
  } catch (error) {
    console.warn("[title] generation failed, using the first words:", error instanceof Error ? error.message : error);
    await Promise.all(recording);
    // The rows stay unsettled; the settlement job asks /generation what they cost, now.
    await markGenerationsDue(generations).catch((markError: unknown) =>
      console.warn("[title] could not schedule settlement:", markError instanceof Error ? markError.message : markError),
    );
    return null;
  }
}

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
