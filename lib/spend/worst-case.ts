import "server-only";
import type { StepResult, ToolSet } from "ai";
import type { ModelSummary } from "@/lib/openrouter/types";
import { estimatePromptTokens, generationCostNano, hasVariablePrice, outputTokenLimit, pricesFor, unitCostNano } from "./budget";

// The most one answer can cost, for its budget reservation: every generation it may make (a tool
// loop makes up to MAX_ANSWER_STEPS, each resending the history plus the previous steps' output),
// each at the dearest model that may serve it, with what its attachments, plugins and image output
// add. The output of each generation is bounded upstream by `max_tokens` (outputTokenLimit).

/** Generations an answer may make: the first, then one after each round of tool calls (lib/chat/answer.ts). */
export const MAX_ANSWER_STEPS = 5;

/** The built-in tools' definitions as the upstream counts them (their JSON schemas; about 300 tokens today). */
export const TOOL_DEFINITIONS_TOKENS = 2_000;

/**
 * Tool results one step adds to the next step's prompt: the search tool returns at most 10 results
 * of a title and a short snippet; the calculator and the clock a few words. Not a limit of the
 * tools (a calculator's matrix can run to many thousands): the tool loop stops where the results
 * so far exceed it ({@link beyondReservedPrompt}).
 */
export const TOOL_RESULTS_TOKENS_PER_STEP = 4_000;

/**
 * Prompt tokens one input image may count besides its per-image price: providers bill images as
 * input tokens (Anthropic up to about 1,600 for a 1.15-megapixel image, OpenAI's tiles and patches
 * up to about 2,500, Gemini 258 per 768-pixel tile) and OpenRouter lists a per-image `pricing.image`
 * on some models (openrouter.ai/docs/api-reference/list-available-models: "image: cost per image
 * input"). Both are held, since the listing does not say which a model uses.
 */
export const IMAGE_INPUT_TOKENS = 6_000;

/**
 * Prompt tokens one PDF may count: a model that reads files gets its text and page images as input
 * tokens (openrouter.ai/docs/features/multimodal/pdfs), about 1,500 a page of dense text; this holds
 * about 20 pages. The local OpenRouter counts 256 (local-openrouter/tokenizer.ts).
 */
export const PDF_INPUT_TOKENS = 32_000;

/** Pages of a PDF the mistral-ocr engine may bill, at USD 2 per 1,000 pages (openrouter.ai/docs/features/multimodal/pdfs). */
const PDF_OCR_PAGES = 25n;
const MISTRAL_OCR_PAGE_NANO = 2_000_000n;

/** Exa's web plugin: USD 0.004 per result (OpenRouter's price), as nano-USD. */
const WEB_RESULT_NANO = 4_000_000n;

/** What of an answer's upstream choices bears on its price. */
export type PricedChoices = {
  fallbacks: readonly ModelSummary[];
  webSearch: { engine: "native" | "exa" | undefined; maxResults: number } | null;
  pdfEngine?: "cloudflare-ai" | "mistral-ocr" | "pdf-text" | null;
  imageOutput?: boolean;
  /** The models the auto router is allowed to pick (sent as the auto-router plugin's `allowed_models`). */
  autoRouterModels?: readonly ModelSummary[] | null;
};

/** What of the conversation bears on the price. */
export type AnswerShape = {
  /** The estimate of the text sent (system prompt and history), lib/spend/budget.ts estimatePromptTokens. */
  promptTokens: number;
  /** Images and PDFs among the messages sent (all are resent with every generation). */
  images: number;
  pdfs: number;
  /** Tools offered: the answer may take MAX_ANSWER_STEPS generations. */
  tools: boolean;
  /** The conversation's max_tokens setting. */
  maxTokens: number | null | undefined;
};

/**
 * The `max_tokens` of every request of an answer, and the output its reservation assumes: the
 * conversation's setting, else the smallest default among the model and its fixed-price fallbacks
 * (outputTokenLimit), so a fallback is never asked for more than it can write.
 */
export function answerOutputLimit(model: ModelSummary, fallbacks: readonly ModelSummary[], maxTokens: number | null | undefined): number {
  return Math.min(...[model, ...fallbacks].filter((m) => m === model || !hasVariablePrice(m)).map((m) => outputTokenLimit(m, maxTokens)));
}

/** The models a generation of this answer may be served by. */
export function servingModels(model: ModelSummary, choices: PricedChoices, catalog: readonly ModelSummary[]): ModelSummary[] {
  const out: ModelSummary[] = [];
  for (const m of [model, ...choices.fallbacks]) {
    if (!hasVariablePrice(m)) out.push(m);
    else if (choices.autoRouterModels && choices.autoRouterModels.length > 0) out.push(...choices.autoRouterModels);
    // A router with no list of its own may pick any model: the dearest of the catalog bounds it.
    else out.push(...catalog.filter((c) => !hasVariablePrice(c)));
  }
  return out;
}

/** One generation on `m`: tokens, then what images, PDFs, image output and web search add. */
function stepCostNano(m: ModelSummary, choices: PricedChoices, shape: AnswerShape, promptTokens: number, outputTokens: number): bigint {
  const pdfTokens = shape.pdfs * Math.min(PDF_INPUT_TOKENS, m.contextLength > 0 ? m.contextLength : PDF_INPUT_TOKENS);
  const prompt = promptTokens + shape.images * IMAGE_INPUT_TOKENS + pdfTokens;
  let cost = generationCostNano(m, prompt, outputTokens);
  const prices = pricesFor(m, prompt);
  cost += BigInt(shape.images) * unitCostNano(prices.image);
  if (choices.pdfEngine === "mistral-ocr" && shape.pdfs > 0) cost += BigInt(shape.pdfs) * PDF_OCR_PAGES * MISTRAL_OCR_PAGE_NANO;
  // One image per generation at the per-image price (local-openrouter/plan.ts makes one).
  if (choices.imageOutput && m.outputModalities.includes("image")) cost += unitCostNano(prices.imageOutput);
  if (choices.webSearch) {
    // "auto" may take either engine: the model's native search (once per request) or Exa's results.
    if (choices.webSearch.engine !== "exa") cost += unitCostNano(prices.webSearch);
    if (choices.webSearch.engine !== "native") cost += WEB_RESULT_NANO * BigInt(choices.webSearch.maxResults);
  }
  return cost;
}

/**
 * The reservation of one answer: the sum over its generations (one, or MAX_ANSWER_STEPS with
 * tools) of the dearest serving model's cost for that generation. Generation k's prompt is the
 * history plus k times (the output limit and a step's tool results).
 */
export function worstCaseForChoices(model: ModelSummary, choices: PricedChoices, shape: AnswerShape, catalog: readonly ModelSummary[]): bigint {
  const outputTokens = answerOutputLimit(model, choices.fallbacks, shape.maxTokens);
  const steps = shape.tools ? MAX_ANSWER_STEPS : 1;
  const base = shape.promptTokens + (shape.tools ? TOOL_DEFINITIONS_TOKENS : 0);
  const candidates = servingModels(model, choices, catalog);
  let total = 0n;
  for (let step = 0; step < steps; step++) {
    const promptTokens = base + step * (outputTokens + TOOL_RESULTS_TOKENS_PER_STEP);
    let worst = 0n;
    for (const m of candidates) {
      const cost = stepCostNano(m, choices, shape, promptTokens, outputTokens);
      if (cost > worst) worst = cost;
    }
    total += worst;
  }
  return total;
}

/** What a step adds to the next generation's prompt (its output and its tool results), as the prompt estimate counts it. */
export function stepResentTokens(step: Pick<StepResult<ToolSet>, "content">): number {
  const texts: string[] = [];
  for (const part of step.content) {
    if (part.type === "text" || part.type === "reasoning") texts.push(part.text);
    else if (part.type === "tool-call") texts.push(part.toolName + JSON.stringify(part.input));
    else if (part.type === "tool-result") texts.push(JSON.stringify(part.output) ?? "");
    // The model is sent the error's message.
    else if (part.type === "tool-error") texts.push(part.error instanceof Error ? part.error.message : String(part.error));
  }
  return estimatePromptTokens(texts);
}

/**
 * The tool loop's stop condition beside MAX_ANSWER_STEPS: true once the steps so far add more to
 * the next prompt than the reservation assumed they would (`outputTokens` and
 * TOOL_RESULTS_TOKENS_PER_STEP a step), so no generation is sent a longer prompt than was held
 * for it. The answer then ends as at its last step, its tool results shown.
 */
export function beyondReservedPrompt(outputTokens: number): (options: { steps: readonly Pick<StepResult<ToolSet>, "content">[] }) => boolean {
  return ({ steps }) => {
    const resent = steps.reduce((sum, step) => sum + stepResentTokens(step), 0);
    return resent > steps.length * (outputTokens + TOOL_RESULTS_TOKENS_PER_STEP);
  };
}
