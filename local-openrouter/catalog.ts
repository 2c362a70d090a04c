/**
 * The local OpenRouter's model catalog, and the exact cost arithmetic.
 *
 * Prices are USD per token (per image / per request / per search where the field says so)
 * as STRINGS, exactly like OpenRouter's `/api/v1/models`. Every price has at most 9 decimal
 * places, so every price is an integer number of nano-USD (1 nano-USD = 1e-9 USD) and every
 * cost is computed exactly in integer nano-USD (BigInt). The wire carries `cost` as that
 * integer divided by 1e9 (a JSON number); `Math.round(cost * 1e9)` (or exact decimal
 * parsing of the JSON text) recovers the integer exactly for any cost below ~9 million USD.
 *
 * Cost of one generation, in nano-USD (see {@link computeCostNano}):
 *   prompt      = (prompt_tokens - cached_tokens) * prompt + cached_tokens * (input_cache_read ?? prompt)
 *   completion  = (completion_tokens - reasoning_tokens) * completion
 *                 + reasoning_tokens * (internal_reasoning ?? completion)
 *   request     = request (once per generation, when the endpoint has one)
 *   images      = input_images * image + output_images * image_output
 *   web search  = native search (model has `web_search`): web_search once per request;
 *                 otherwise the web plugin (Exa): {@link WEB_PLUGIN_PRICE_PER_RESULT} per result
 *   cost        = prompt + completion + request + images + web search
 *   upstream_inference_cost = cost - plugin web search (what the provider charged; OpenRouter's
 *                 own plugin fee is not part of it). `is_byok` is always false here.
 * The prices used are those of the ENDPOINT (provider) that served the request; a model's
 * listed `pricing` is its first (default) endpoint's.
 */

export type InputModality = 'text' | 'image' | 'file' | 'audio' | 'video';
export type OutputModality = 'text' | 'image';
export type Quantization = 'int4' | 'int8' | 'fp4' | 'mxfp4' | 'fp6' | 'fp8' | 'fp16' | 'bf16' | 'fp32' | 'unknown';
export type ReasoningEffort = 'max' | 'xhigh' | 'high' | 'medium' | 'low' | 'minimal' | 'none';
export type ModelGroup =
  | 'Router' | 'Other' | 'GPT' | 'Claude' | 'Gemini' | 'Gemma' | 'Grok' | 'Qwen' | 'Qwen3'
  | 'DeepSeek' | 'Mistral' | 'Llama3' | 'Llama4';
export type InstructType = 'chatml' | 'llama3' | 'mistral' | 'gemma' | 'deepseek-r1' | 'deepseek-v3.1' | 'qwen3' | null;
/** Values of the spec's `Parameter` enum that this catalog uses. */
export type Parameter =
  | 'temperature' | 'top_p' | 'top_k' | 'frequency_penalty' | 'presence_penalty' | 'repetition_penalty'
  | 'max_tokens' | 'logit_bias' | 'logprobs' | 'top_logprobs' | 'seed' | 'response_format'
  | 'structured_outputs' | 'stop' | 'tools' | 'tool_choice' | 'parallel_tool_calls'
  | 'include_reasoning' | 'reasoning' | 'reasoning_effort' | 'web_search_options';
/** Provider names: all members of the spec's `ProviderName` enum. */
export type ProviderName =
  | 'OpenAI' | 'Azure' | 'Anthropic' | 'Amazon Bedrock' | 'Google' | 'Google AI Studio' | 'DeepInfra'
  | 'Together' | 'Fireworks' | 'Groq' | 'Cerebras' | 'Mistral' | 'DeepSeek' | 'Novita' | 'Chutes'
  | 'Alibaba' | 'xAI' | 'Nebius' | 'SambaNova' | 'Parasail';

export interface PriceTable {
  prompt: string;
  completion: string;
  request?: string;
  image?: string;
  image_output?: string;
  web_search?: string;
  internal_reasoning?: string;
  input_cache_read?: string;
  input_cache_write?: string;
}

export interface CatalogEndpoint {
  providerName: ProviderName;
  /** Provider slug as accepted by `provider.order/only/ignore` (e.g. `deepinfra`). */
  slug: string;
  /** Endpoint tag, e.g. `deepinfra/fp8` (also accepted by `order/only/ignore`). */
  tag: string;
  pricing: PriceTable;
  quantization: Quantization | null;
  contextLength: number;
  maxCompletionTokens: number | null;
  supportedParameters: Parameter[];
  /** The provider may store prompts and train on them (excluded by `data_collection: 'deny'`). */
  trainsOnData: boolean;
  /** Zero data retention endpoint (required by `zdr: true`). */
  zdr: boolean;
  supportsImplicitCaching: boolean;
  uptime: { last30m: number; last5m: number; last1d: number };
  /** Seconds to first token, percentiles. */
  latency: { p50: number; p75: number; p90: number; p99: number };
  /** Tokens per second, percentiles. */
  throughput: { p50: number; p75: number; p90: number; p99: number };
}

export interface CatalogModel {
  id: string;
  canonicalSlug: string;
  huggingFaceId: string | null;
  name: string;
  created: number;
  description: string;
  contextLength: number;
  knowledgeCutoff: string | null;
  architecture: {
    modality: string;
    input_modalities: InputModality[];
    output_modalities: OutputModality[];
    tokenizer: ModelGroup;
    instruct_type: InstructType;
  };
  pricing: PriceTable;
  topProvider: { context_length: number; max_completion_tokens: number | null; is_moderated: boolean };
  supportedParameters: Parameter[];
  defaultParameters: { temperature?: number | null; top_p?: number | null; frequency_penalty?: number | null } | null;
  reasoning: { mandatory: boolean; supported_efforts: ReasoningEffort[] | null; default_effort?: ReasoningEffort } | null;
  endpoints: CatalogEndpoint[];
  /** Reasoning `format` reported in `reasoning_details`. */
  reasoningFormat: 'unknown' | 'openai-responses-v1' | 'anthropic-claude-v1' | 'google-gemini-v1' | 'xai-responses-v1';
}

// ---------------------------------------------------------------------------------------------
// Exact money arithmetic
// ---------------------------------------------------------------------------------------------

export const NANO_PER_USD = 1_000_000_000n;
/** OpenRouter's web plugin (Exa engine): USD per search result. */
export const WEB_PLUGIN_PRICE_PER_RESULT = '0.004';
/** Results a `web` plugin returns when `max_results` is not given. */
export const WEB_PLUGIN_DEFAULT_RESULTS = 5;

/** Parses a decimal USD string with at most 9 decimal places into integer nano-USD. */
export function priceToNano(price: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,9}))?$/.exec(price.trim());
  if (!m) throw new Error(`price ${JSON.stringify(price)} is not a decimal with at most 9 decimal places`);
  const [, sign, whole, frac = ''] = m;
  const nano = BigInt(whole) * NANO_PER_USD + BigInt(frac.padEnd(9, '0'));
  return sign === '-' ? -nano : nano;
}

/** nano-USD → USD as a JS number (the value OpenRouter puts on the wire as `cost`). */
export function nanoToUsd(nano: bigint): number {
  return Number(nano) / 1e9;
}

/** USD number from the wire → integer nano-USD (exact for every cost this server emits). */
export function usdToNano(usd: number): bigint {
  return BigInt(Math.round(usd * 1e9));
}

export type WebSearchCharge = { engine: 'native' } | { engine: 'exa'; results: number };

export interface UsageForCost {
  promptTokens: number;
  completionTokens: number;
  /** Part of `completionTokens` that was reasoning. */
  reasoningTokens?: number;
  /** Part of `promptTokens` read from the prompt cache. */
  cachedTokens?: number;
  inputImages?: number;
  outputImages?: number;
  webSearch?: WebSearchCharge | null;
}

export interface CostBreakdown {
  totalNano: bigint;
  promptNano: bigint;
  completionNano: bigint;
  requestNano: bigint;
  imageNano: bigint;
  webSearchNano: bigint;
  /** Everything but OpenRouter's own web plugin fee. */
  upstreamNano: bigint;
  /** What the cached tokens saved compared with the full prompt price. */
  cacheDiscountNano: bigint;
}

function opt(price: string | undefined): bigint | null {
  return price === undefined ? null : priceToNano(price);
}

/** Exact cost of a generation in nano-USD, from the prices of the endpoint that served it. */
export function computeCostNano(pricing: PriceTable, u: UsageForCost): CostBreakdown {
  const prompt = priceToNano(pricing.prompt);
  const completion = priceToNano(pricing.completion);
  const cacheRead = opt(pricing.input_cache_read) ?? prompt;
  const reasoningPrice = opt(pricing.internal_reasoning) ?? completion;
  const cached = BigInt(Math.min(u.cachedTokens ?? 0, u.promptTokens));
  const reasoning = BigInt(Math.min(u.reasoningTokens ?? 0, u.completionTokens));
  const promptNano = (BigInt(u.promptTokens) - cached) * prompt + cached * cacheRead;
  const completionNano = (BigInt(u.completionTokens) - reasoning) * completion + reasoning * reasoningPrice;
  const requestNano = opt(pricing.request) ?? 0n;
  const imageNano =
    BigInt(u.inputImages ?? 0) * (opt(pricing.image) ?? 0n) + BigInt(u.outputImages ?? 0) * (opt(pricing.image_output) ?? 0n);
  let webSearchNano = 0n;
  let pluginFeeNano = 0n;
  if (u.webSearch) {
    if (u.webSearch.engine === 'native') {
      webSearchNano = opt(pricing.web_search) ?? 0n;
    } else {
      webSearchNano = BigInt(u.webSearch.results) * priceToNano(WEB_PLUGIN_PRICE_PER_RESULT);
      pluginFeeNano = webSearchNano;
    }
  }
  const totalNano = promptNano + completionNano + requestNano + imageNano + webSearchNano;
  return {
    totalNano,
    promptNano,
    completionNano,
    requestNano,
    imageNano,
    webSearchNano,
    upstreamNano: totalNano - pluginFeeNano,
    cacheDiscountNano: cached * (prompt - cacheRead),
  };
}

// ---------------------------------------------------------------------------------------------
// Providers and models
// ---------------------------------------------------------------------------------------------

interface ProviderInfo {
  slug: string;
  trainsOnData: boolean;
  zdr: boolean;
  implicitCaching: boolean;
}

const PROVIDERS: Record<ProviderName, ProviderInfo> = {
  OpenAI: { slug: 'openai', trainsOnData: false, zdr: false, implicitCaching: true },
  Azure: { slug: 'azure', trainsOnData: false, zdr: true, implicitCaching: true },
  Anthropic: { slug: 'anthropic', trainsOnData: false, zdr: false, implicitCaching: false },
  'Amazon Bedrock': { slug: 'amazon-bedrock', trainsOnData: false, zdr: true, implicitCaching: false },
  Google: { slug: 'google-vertex', trainsOnData: false, zdr: true, implicitCaching: true },
  'Google AI Studio': { slug: 'google-ai-studio', trainsOnData: false, zdr: false, implicitCaching: true },
  DeepInfra: { slug: 'deepinfra', trainsOnData: false, zdr: true, implicitCaching: false },
  Together: { slug: 'together', trainsOnData: false, zdr: true, implicitCaching: false },
  Fireworks: { slug: 'fireworks', trainsOnData: false, zdr: true, implicitCaching: true },
  Groq: { slug: 'groq', trainsOnData: false, zdr: true, implicitCaching: false },
  Cerebras: { slug: 'cerebras', trainsOnData: false, zdr: true, implicitCaching: false },
  Mistral: { slug: 'mistral', trainsOnData: false, zdr: false, implicitCaching: false },
  DeepSeek: { slug: 'deepseek', trainsOnData: true, zdr: false, implicitCaching: true },
  Novita: { slug: 'novita', trainsOnData: false, zdr: false, implicitCaching: false },
  Chutes: { slug: 'chutes', trainsOnData: true, zdr: false, implicitCaching: false },
  Alibaba: { slug: 'alibaba', trainsOnData: false, zdr: false, implicitCaching: true },
  xAI: { slug: 'xai', trainsOnData: false, zdr: false, implicitCaching: true },
  Nebius: { slug: 'nebius', trainsOnData: false, zdr: true, implicitCaching: false },
  SambaNova: { slug: 'sambanova', trainsOnData: false, zdr: true, implicitCaching: false },
  Parasail: { slug: 'parasail', trainsOnData: false, zdr: true, implicitCaching: false },
};

const BASE: Parameter[] = ['max_tokens', 'temperature', 'top_p', 'stop', 'seed', 'frequency_penalty', 'presence_penalty'];
const TOOLS: Parameter[] = ['tools', 'tool_choice'];
const STRUCT: Parameter[] = ['response_format', 'structured_outputs'];
const REASON: Parameter[] = ['reasoning', 'include_reasoning'];
const OPENAI_EXTRA: Parameter[] = ['logit_bias', 'logprobs', 'top_logprobs', 'parallel_tool_calls'];

interface EndpointSpec {
  provider: ProviderName;
  pricing: PriceTable;
  quantization?: Quantization | null;
  /** tokens/s p50 */
  tps: number;
  /** seconds to first token p50 */
  ttft: number;
  uptime?: number;
  params?: Parameter[];
  trainsOnData?: boolean;
  zdr?: boolean;
  context?: number;
  maxOut?: number | null;
}

interface ModelSpec {
  id: string;
  canonical?: string;
  hf?: string | null;
  name: string;
  created: number;
  description: string;
  context: number;
  maxOut: number | null;
  cutoff?: string | null;
  input: InputModality[];
  output?: OutputModality[];
  tokenizer: ModelGroup;
  instruct?: InstructType;
  params: Parameter[];
  reasoning?: CatalogModel['reasoning'];
  reasoningFormat?: CatalogModel['reasoningFormat'];
  moderated?: boolean;
  defaults?: CatalogModel['defaultParameters'];
  endpoints: EndpointSpec[];
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function buildEndpoint(m: ModelSpec, e: EndpointSpec): CatalogEndpoint {
  const info = PROVIDERS[e.provider];
  const q = e.quantization === undefined ? (m.hf ? 'bf16' : 'unknown') : e.quantization;
  return {
    providerName: e.provider,
    slug: info.slug,
    tag: q && q !== 'unknown' ? `${info.slug}/${q}` : info.slug,
    pricing: e.pricing,
    quantization: q,
    contextLength: e.context ?? m.context,
    maxCompletionTokens: e.maxOut === undefined ? m.maxOut : e.maxOut,
    supportedParameters: e.params ?? m.params,
    trainsOnData: e.trainsOnData ?? info.trainsOnData,
    zdr: e.zdr ?? info.zdr,
    supportsImplicitCaching: info.implicitCaching,
    uptime: { last30m: e.uptime ?? 99.6, last5m: e.uptime === undefined ? 100 : Math.min(100, e.uptime + 0.2), last1d: round((e.uptime ?? 99.6) - 0.3, 2) },
    latency: { p50: e.ttft, p75: round(e.ttft * 1.3, 3), p90: round(e.ttft * 1.8, 3), p99: round(e.ttft * 3.5, 3) },
    throughput: { p50: e.tps, p75: round(e.tps * 0.85, 1), p90: round(e.tps * 0.62, 1), p99: round(e.tps * 0.3, 1) },
  };
}

function modalityString(input: InputModality[], output: OutputModality[]): string {
  return `${input.join('+')}->${output.join('+')}`;
}

function buildModel(m: ModelSpec): CatalogModel {
  const output = m.output ?? ['text'];
  const endpoints = m.endpoints.map((e) => buildEndpoint(m, e));
  const params = Array.from(new Set([...m.params, ...endpoints.flatMap((e) => e.supportedParameters)]));
  return {
    id: m.id,
    canonicalSlug: m.canonical ?? m.id.replace(/:free$/, ''),
    huggingFaceId: m.hf ?? null,
    name: m.name,
    created: m.created,
    description: m.description,
    contextLength: m.context,
    knowledgeCutoff: m.cutoff ?? null,
    architecture: {
      modality: modalityString(m.input, output),
      input_modalities: m.input,
      output_modalities: output,
      tokenizer: m.tokenizer,
      instruct_type: m.instruct ?? null,
    },
    pricing: endpoints[0].pricing,
    topProvider: {
      context_length: endpoints[0].contextLength,
      max_completion_tokens: endpoints[0].maxCompletionTokens,
      is_moderated: m.moderated ?? false,
    },
    supportedParameters: params,
    defaultParameters: m.defaults === undefined ? null : m.defaults,
    reasoning: m.reasoning ?? null,
    endpoints,
    reasoningFormat: m.reasoningFormat ?? 'unknown',
  };
}

const FREE: PriceTable = { prompt: '0', completion: '0' };
const EFFORTS: ReasoningEffort[] = ['high', 'medium', 'low'];

const SPECS: ModelSpec[] = [
  // ---------------------------------------------------------------- OpenAI
  {
    id: 'openai/gpt-4o', canonical: 'openai/gpt-4o', name: 'OpenAI: GPT-4o', created: 1715367049,
    description: 'GPT-4o ("o" for "omni") is OpenAI\'s multimodal flagship: text and image input, text output, with the intelligence of GPT-4 Turbo at twice the speed.',
    context: 128000, maxOut: 16384, cutoff: '2023-10-01', input: ['text', 'image', 'file'], tokenizer: 'GPT', moderated: true,
    params: [...BASE, ...TOOLS, ...STRUCT, ...OPENAI_EXTRA, 'web_search_options'],
    endpoints: [
      { provider: 'OpenAI', pricing: { prompt: '0.0000025', completion: '0.00001', input_cache_read: '0.00000125', image: '0.003613', web_search: '0.01' }, tps: 92, ttft: 0.48 },
      { provider: 'Azure', pricing: { prompt: '0.0000025', completion: '0.00001', input_cache_read: '0.00000125', image: '0.003613' }, tps: 74, ttft: 0.61 },
    ],
  },
  {
    id: 'openai/gpt-4o-mini', canonical: 'openai/gpt-4o-mini-2024-07-18', name: 'OpenAI: GPT-4o-mini', created: 1721260800,
    description: 'GPT-4o mini is OpenAI\'s small, affordable multimodal model, smarter and cheaper than GPT-3.5 Turbo.',
    context: 128000, maxOut: 16384, cutoff: '2023-10-01', input: ['text', 'image', 'file'], tokenizer: 'GPT', moderated: true,
    params: [...BASE, ...TOOLS, ...STRUCT, ...OPENAI_EXTRA, 'web_search_options'],
    endpoints: [
      { provider: 'OpenAI', pricing: { prompt: '0.00000015', completion: '0.0000006', input_cache_read: '0.000000075', image: '0.000217', web_search: '0.0275' }, tps: 68, ttft: 0.42 },
      { provider: 'Azure', pricing: { prompt: '0.00000015', completion: '0.0000006', input_cache_read: '0.000000075', image: '0.000217' }, tps: 120, ttft: 0.9 },
    ],
  },
  {
    id: 'openai/gpt-4.1', canonical: 'openai/gpt-4.1-2025-04-14', name: 'OpenAI: GPT-4.1', created: 1744651385,
    description: 'GPT-4.1 is a flagship model for advanced instruction following, software engineering and long-context reasoning, with a 1 million token window.',
    context: 1047576, maxOut: 32768, cutoff: '2024-06-01', input: ['image', 'text', 'file'], tokenizer: 'GPT', moderated: true,
    params: [...BASE, ...TOOLS, ...STRUCT, ...OPENAI_EXTRA],
    endpoints: [{ provider: 'OpenAI', pricing: { prompt: '0.000002', completion: '0.000008', input_cache_read: '0.0000005' }, tps: 81, ttft: 0.55 }],
  },
  {
    id: 'openai/gpt-4.1-mini', canonical: 'openai/gpt-4.1-mini-2025-04-14', name: 'OpenAI: GPT-4.1 Mini', created: 1744651381,
    description: 'GPT-4.1 Mini is a mid-sized model with performance close to GPT-4o at much lower latency and cost.',
    context: 1047576, maxOut: 32768, cutoff: '2024-06-01', input: ['image', 'text', 'file'], tokenizer: 'GPT', moderated: true,
    params: [...BASE, ...TOOLS, ...STRUCT, ...OPENAI_EXTRA],
    endpoints: [{ provider: 'OpenAI', pricing: { prompt: '0.0000004', completion: '0.0000016', input_cache_read: '0.0000001' }, tps: 77, ttft: 0.5 }],
  },
  {
    id: 'openai/o4-mini', canonical: 'openai/o4-mini-2025-04-16', name: 'OpenAI: o4 Mini', created: 1744820942,
    description: 'o4-mini is a compact reasoning model optimised for fast, cost-efficient performance with strong multimodal and agentic capabilities.',
    context: 200000, maxOut: 100000, cutoff: '2024-06-01', input: ['image', 'text', 'file'], tokenizer: 'GPT', moderated: true,
    params: ['max_tokens', 'seed', ...TOOLS, ...STRUCT, ...REASON, 'reasoning_effort', 'parallel_tool_calls'],
    reasoning: { mandatory: true, supported_efforts: EFFORTS, default_effort: 'medium' }, reasoningFormat: 'openai-responses-v1',
    endpoints: [{ provider: 'OpenAI', pricing: { prompt: '0.0000011', completion: '0.0000044', input_cache_read: '0.000000275' }, tps: 110, ttft: 3.2 }],
  },
  {
    id: 'openai/gpt-5', canonical: 'openai/gpt-5-2025-08-07', name: 'OpenAI: GPT-5', created: 1754587413,
    description: 'GPT-5 is OpenAI\'s most advanced model, with major improvements in reasoning, code quality and user experience.',
    context: 400000, maxOut: 128000, cutoff: '2024-09-30', input: ['text', 'image', 'file'], tokenizer: 'GPT', moderated: true,
    params: ['max_tokens', 'seed', ...TOOLS, ...STRUCT, ...REASON, 'reasoning_effort', 'web_search_options'],
    reasoning: { mandatory: true, supported_efforts: ['high', 'medium', 'low', 'minimal'], default_effort: 'medium' }, reasoningFormat: 'openai-responses-v1',
    endpoints: [
      { provider: 'OpenAI', pricing: { prompt: '0.00000125', completion: '0.00001', input_cache_read: '0.000000125', web_search: '0.01' }, tps: 45, ttft: 6.1 },
      { provider: 'Azure', pricing: { prompt: '0.00000125', completion: '0.00001', input_cache_read: '0.000000125' }, tps: 52, ttft: 7.4 },
    ],
  },
  {
    id: 'openai/gpt-oss-120b', name: 'OpenAI: gpt-oss-120b', created: 1754414231, hf: 'openai/gpt-oss-120b',
    description: 'gpt-oss-120b is an open-weight 117B-parameter Mixture-of-Experts model from OpenAI designed for high-reasoning, agentic and general-purpose production use.',
    context: 131072, maxOut: 32768, input: ['text'], tokenizer: 'GPT', params: [...BASE, ...TOOLS, ...STRUCT, ...REASON, 'reasoning_effort'],
    reasoning: { mandatory: false, supported_efforts: EFFORTS, default_effort: 'medium' },
    endpoints: [
      { provider: 'DeepInfra', quantization: 'fp4', pricing: { prompt: '0.00000005', completion: '0.00000045' }, tps: 95, ttft: 0.61 },
      { provider: 'Groq', quantization: 'unknown', pricing: { prompt: '0.00000015', completion: '0.00000075' }, tps: 480, ttft: 0.31 },
      { provider: 'Cerebras', quantization: 'unknown', pricing: { prompt: '0.00000025', completion: '0.00000069' }, tps: 2600, ttft: 0.4 },
    ],
  },
  {
    id: 'openai/gpt-oss-20b:free', name: 'OpenAI: gpt-oss-20b (free)', created: 1754414229, hf: 'openai/gpt-oss-20b',
    description: 'gpt-oss-20b is an open-weight 21B-parameter model from OpenAI, optimised for lower-latency inference and deployment on consumer hardware.',
    context: 131072, maxOut: 8192, input: ['text'], tokenizer: 'GPT', params: [...BASE, ...REASON],
    reasoning: { mandatory: false, supported_efforts: EFFORTS, default_effort: 'medium' },
    endpoints: [{ provider: 'Chutes', pricing: FREE, tps: 140, ttft: 1.1, uptime: 97.4 }],
  },
  // ---------------------------------------------------------------- Anthropic
  {
    id: 'anthropic/claude-sonnet-4.5', canonical: 'anthropic/claude-4.5-sonnet-20250929', name: 'Anthropic: Claude Sonnet 4.5', created: 1759161676,
    description: 'Claude Sonnet 4.5 is Anthropic\'s most advanced Sonnet model, optimised for real-world agents and coding workflows.',
    context: 1000000, maxOut: 64000, cutoff: '2025-07-31', input: ['text', 'image', 'file'], tokenizer: 'Claude',
    params: ['max_tokens', 'temperature', 'top_p', 'top_k', 'stop', ...TOOLS, ...REASON],
    reasoning: { mandatory: false, supported_efforts: null }, reasoningFormat: 'anthropic-claude-v1',
    endpoints: [
      { provider: 'Anthropic', pricing: { prompt: '0.000003', completion: '0.000015', input_cache_read: '0.0000003', input_cache_write: '0.00000375', image: '0.0048' }, tps: 63, ttft: 1.9 },
      { provider: 'Amazon Bedrock', pricing: { prompt: '0.000003', completion: '0.000015', input_cache_read: '0.0000003', input_cache_write: '0.00000375', image: '0.0048' }, tps: 58, ttft: 2.2 },
      { provider: 'Google', pricing: { prompt: '0.0000033', completion: '0.0000165', input_cache_read: '0.00000033', input_cache_write: '0.000004125', image: '0.0048' }, tps: 66, ttft: 2.0 },
    ],
  },
  {
    id: 'anthropic/claude-opus-4.1', canonical: 'anthropic/claude-4.1-opus-20250805', name: 'Anthropic: Claude Opus 4.1', created: 1754411591,
    description: 'Claude Opus 4.1 is Anthropic\'s flagship model for coding, reasoning and agentic tasks.',
    context: 200000, maxOut: 32000, cutoff: '2025-03-31', input: ['image', 'text', 'file'], tokenizer: 'Claude',
    params: ['max_tokens', 'temperature', 'top_p', 'top_k', 'stop', ...TOOLS, ...REASON],
    reasoning: { mandatory: false, supported_efforts: null }, reasoningFormat: 'anthropic-claude-v1',
    endpoints: [
      { provider: 'Anthropic', pricing: { prompt: '0.000015', completion: '0.000075', input_cache_read: '0.0000015', input_cache_write: '0.00001875', image: '0.024' }, tps: 39, ttft: 2.4 },
      { provider: 'Amazon Bedrock', pricing: { prompt: '0.000015', completion: '0.000075', input_cache_read: '0.0000015', input_cache_write: '0.00001875', image: '0.024' }, tps: 33, ttft: 2.9 },
    ],
  },
  {
    id: 'anthropic/claude-haiku-4.5', canonical: 'anthropic/claude-4.5-haiku-20251001', name: 'Anthropic: Claude Haiku 4.5', created: 1760547638,
    description: 'Claude Haiku 4.5 is Anthropic\'s fastest and most efficient model, with near-frontier intelligence at a fraction of the cost.',
    context: 200000, maxOut: 64000, cutoff: '2025-02-28', input: ['image', 'text'], tokenizer: 'Claude',
    params: ['max_tokens', 'temperature', 'top_p', 'top_k', 'stop', ...TOOLS, ...REASON],
    reasoning: { mandatory: false, supported_efforts: null }, reasoningFormat: 'anthropic-claude-v1',
    endpoints: [
      { provider: 'Anthropic', pricing: { prompt: '0.000001', completion: '0.000005', input_cache_read: '0.0000001', input_cache_write: '0.00000125' }, tps: 120, ttft: 0.7 },
      { provider: 'Amazon Bedrock', pricing: { prompt: '0.000001', completion: '0.000005', input_cache_read: '0.0000001', input_cache_write: '0.00000125' }, tps: 104, ttft: 0.9 },
    ],
  },
  {
    id: 'anthropic/claude-3.5-haiku', canonical: 'anthropic/claude-3-5-haiku', name: 'Anthropic: Claude 3.5 Haiku', created: 1730678400,
    description: 'Claude 3.5 Haiku offers enhanced speed, coding accuracy and tool use, for real-time applications.',
    context: 200000, maxOut: 8192, cutoff: '2024-07-01', input: ['text', 'image'], tokenizer: 'Claude',
    params: ['max_tokens', 'temperature', 'top_p', 'top_k', 'stop', ...TOOLS],
    endpoints: [{ provider: 'Anthropic', pricing: { prompt: '0.0000008', completion: '0.000004', input_cache_read: '0.00000008', input_cache_write: '0.000001' }, tps: 60, ttft: 0.9 }],
  },
  // ---------------------------------------------------------------- Google
  {
    id: 'google/gemini-2.5-pro', name: 'Google: Gemini 2.5 Pro', created: 1750169544,
    description: 'Gemini 2.5 Pro is Google\'s state-of-the-art model for advanced reasoning, coding, mathematics and scientific tasks, with thinking built in.',
    context: 1048576, maxOut: 65536, cutoff: '2025-01-31', input: ['text', 'image', 'file', 'audio', 'video'], tokenizer: 'Gemini',
    params: ['max_tokens', 'temperature', 'top_p', 'stop', 'seed', ...TOOLS, ...STRUCT, ...REASON],
    reasoning: { mandatory: true, supported_efforts: EFFORTS }, reasoningFormat: 'google-gemini-v1',
    endpoints: [
      { provider: 'Google AI Studio', pricing: { prompt: '0.00000125', completion: '0.00001', input_cache_read: '0.00000031', image: '0.00516' }, tps: 88, ttft: 3.6 },
      { provider: 'Google', pricing: { prompt: '0.00000125', completion: '0.00001', input_cache_read: '0.00000031', image: '0.00516' }, tps: 79, ttft: 3.9 },
    ],
  },
  {
    id: 'google/gemini-2.5-flash', name: 'Google: Gemini 2.5 Flash', created: 1750172488,
    description: 'Gemini 2.5 Flash is Google\'s workhorse model for reasoning, coding and maths, with a thinking budget billed at its own rate.',
    context: 1048576, maxOut: 65535, cutoff: '2025-01-31', input: ['file', 'image', 'text', 'audio', 'video'], tokenizer: 'Gemini',
    params: ['max_tokens', 'temperature', 'top_p', 'stop', 'seed', ...TOOLS, ...STRUCT, ...REASON],
    reasoning: { mandatory: false, supported_efforts: EFFORTS }, reasoningFormat: 'google-gemini-v1',
    endpoints: [
      { provider: 'Google AI Studio', pricing: { prompt: '0.0000003', completion: '0.0000025', internal_reasoning: '0.0000035', input_cache_read: '0.000000075', image: '0.001238' }, tps: 160, ttft: 0.6 },
      { provider: 'Google', pricing: { prompt: '0.0000003', completion: '0.0000025', internal_reasoning: '0.0000035', input_cache_read: '0.000000075', image: '0.001238' }, tps: 140, ttft: 0.7 },
    ],
  },
  {
    id: 'google/gemini-2.5-flash-image', name: 'Google: Gemini 2.5 Flash Image (Nano Banana)', created: 1759870431,
    description: 'Gemini 2.5 Flash Image generates and edits images from text and image prompts, with multi-turn conversational editing.',
    context: 32768, maxOut: 32768, cutoff: '2025-06-01', input: ['image', 'text'], output: ['image', 'text'], tokenizer: 'Gemini',
    params: ['max_tokens', 'temperature', 'top_p', 'seed', 'stop', ...STRUCT],
    endpoints: [
      { provider: 'Google AI Studio', pricing: { prompt: '0.0000003', completion: '0.0000025', image: '0.001238', image_output: '0.039' }, tps: 70, ttft: 4.2 },
      { provider: 'Google', pricing: { prompt: '0.0000003', completion: '0.0000025', image: '0.001238', image_output: '0.039' }, tps: 61, ttft: 4.8 },
    ],
  },
  {
    id: 'google/gemma-3-27b-it:free', name: 'Google: Gemma 3 27B (free)', created: 1741756359, hf: 'google/gemma-3-27b-it',
    description: 'Gemma 3 is Google\'s open-source model with multimodal input and a 128k context window; successor to Gemma 2.',
    context: 96000, maxOut: 8192, input: ['text', 'image'], tokenizer: 'Gemma', instruct: 'gemma',
    params: ['max_tokens', 'temperature', 'top_p', 'stop', 'seed', 'response_format'],
    endpoints: [{ provider: 'Chutes', pricing: FREE, tps: 38, ttft: 1.4, uptime: 96.8 }],
  },
  {
    id: 'google/gemma-3-27b-it', name: 'Google: Gemma 3 27B', created: 1741756359, hf: 'google/gemma-3-27b-it',
    description: 'Gemma 3 is Google\'s open-source model with multimodal input and a 128k context window; successor to Gemma 2.',
    context: 131072, maxOut: 16384, input: ['text', 'image'], tokenizer: 'Gemma', instruct: 'gemma',
    params: [...BASE, 'top_k', 'repetition_penalty', 'response_format'],
    endpoints: [
      { provider: 'DeepInfra', quantization: 'fp8', pricing: { prompt: '0.00000009', completion: '0.00000017' }, tps: 31, ttft: 0.52 },
      { provider: 'Novita', quantization: 'bf16', pricing: { prompt: '0.000000119', completion: '0.0000002' }, tps: 44, ttft: 0.95 },
    ],
  },
  // ---------------------------------------------------------------- Meta
  {
    id: 'meta-llama/llama-3.3-70b-instruct', name: 'Meta: Llama 3.3 70B Instruct', created: 1733506137, hf: 'meta-llama/Llama-3.3-70B-Instruct',
    description: 'Llama 3.3 70B is a pretrained and instruction-tuned multilingual model optimised for dialogue, outperforming many open and closed chat models.',
    context: 131072, maxOut: 16384, cutoff: '2023-12-01', input: ['text'], tokenizer: 'Llama3', instruct: 'llama3',
    params: [...BASE, 'top_k', 'repetition_penalty', ...TOOLS, 'response_format'],
    endpoints: [
      { provider: 'DeepInfra', quantization: 'fp8', pricing: { prompt: '0.00000013', completion: '0.00000039' }, tps: 28, ttft: 0.55 },
      { provider: 'Groq', quantization: 'unknown', pricing: { prompt: '0.00000059', completion: '0.00000079' }, tps: 310, ttft: 0.35 },
      { provider: 'Together', quantization: 'fp8', pricing: { prompt: '0.00000088', completion: '0.00000088' }, tps: 95, ttft: 0.21 },
    ],
  },
  {
    id: 'meta-llama/llama-3.3-70b-instruct:free', name: 'Meta: Llama 3.3 70B Instruct (free)', created: 1733506137, hf: 'meta-llama/Llama-3.3-70B-Instruct',
    description: 'Llama 3.3 70B is a pretrained and instruction-tuned multilingual model optimised for dialogue. Free variant: prompts may be used for training.',
    context: 65536, maxOut: 4096, cutoff: '2023-12-01', input: ['text'], tokenizer: 'Llama3', instruct: 'llama3',
    params: ['max_tokens', 'temperature', 'top_p', 'stop', 'seed'],
    endpoints: [{ provider: 'Chutes', pricing: FREE, quantization: 'fp8', tps: 22, ttft: 1.8, uptime: 94.1 }],
  },
  {
    id: 'meta-llama/llama-4-maverick', name: 'Meta: Llama 4 Maverick', created: 1743881822, hf: 'meta-llama/Llama-4-Maverick-17B-128E-Instruct',
    description: 'Llama 4 Maverick 17B Instruct (128E) is a high-capacity multimodal mixture-of-experts model from Meta with image and text input.',
    context: 1048576, maxOut: 16384, cutoff: '2024-08-01', input: ['text', 'image'], tokenizer: 'Llama4',
    params: [...BASE, 'top_k', 'repetition_penalty', ...TOOLS, 'response_format'],
    endpoints: [
      { provider: 'DeepInfra', quantization: 'fp8', pricing: { prompt: '0.00000015', completion: '0.0000006', image: '0.0006684' }, tps: 64, ttft: 0.48 },
      { provider: 'Together', quantization: 'fp8', pricing: { prompt: '0.00000027', completion: '0.00000085', image: '0.0006684' }, tps: 118, ttft: 0.36 },
      { provider: 'Groq', quantization: 'unknown', pricing: { prompt: '0.0000002', completion: '0.0000006', image: '0.0006684' }, tps: 410, ttft: 0.29 },
    ],
  },
  {
    id: 'meta-llama/llama-3.1-8b-instruct', name: 'Meta: Llama 3.1 8B Instruct', created: 1721692800, hf: 'meta-llama/Meta-Llama-3.1-8B-Instruct',
    description: 'Meta\'s fast and efficient 8B instruct model, strong in human evaluations against leading closed models.',
    context: 131072, maxOut: 16384, cutoff: '2023-12-01', input: ['text'], tokenizer: 'Llama3', instruct: 'llama3',
    params: [...BASE, 'top_k', 'repetition_penalty'],
    endpoints: [
      { provider: 'DeepInfra', quantization: 'bf16', pricing: { prompt: '0.00000002', completion: '0.00000003' }, tps: 160, ttft: 0.24 },
      { provider: 'Novita', quantization: 'fp8', pricing: { prompt: '0.00000002', completion: '0.00000005' }, tps: 90, ttft: 0.81 },
      { provider: 'SambaNova', quantization: 'bf16', pricing: { prompt: '0.000000025', completion: '0.00000004' }, tps: 230, ttft: 0.33 },
    ],
  },
  // ---------------------------------------------------------------- Mistral
  {
    id: 'mistralai/mistral-large-2411', name: 'Mistral Large 2411', created: 1731978415, hf: null,
    description: 'Mistral Large 2 (2411) improves long-context understanding, system prompts and function calling.',
    context: 131072, maxOut: null, input: ['text'], tokenizer: 'Mistral', params: [...BASE, ...TOOLS, 'response_format'],
    defaults: { temperature: 0.3 },
    endpoints: [{ provider: 'Mistral', pricing: { prompt: '0.000002', completion: '0.000006' }, tps: 41, ttft: 0.58 }],
  },
  {
    id: 'mistralai/mistral-small-3.2-24b-instruct', name: 'Mistral: Mistral Small 3.2 24B', created: 1750443016, hf: 'mistralai/Mistral-Small-3.2-24B-Instruct-2506',
    description: 'Mistral Small 3.2 improves instruction following, repetition reduction and function calling; supports image and text input.',
    context: 131072, maxOut: 131072, input: ['image', 'text'], tokenizer: 'Mistral', instruct: 'mistral',
    params: [...BASE, 'top_k', 'repetition_penalty', ...TOOLS, ...STRUCT], defaults: { temperature: 0.3 },
    endpoints: [
      { provider: 'Mistral', quantization: null, pricing: { prompt: '0.0000001', completion: '0.0000003' }, tps: 130, ttft: 0.3 },
      { provider: 'DeepInfra', quantization: 'fp8', pricing: { prompt: '0.00000005', completion: '0.0000001' }, tps: 56, ttft: 0.44 },
    ],
  },
  {
    id: 'mistralai/mistral-nemo', name: 'Mistral: Mistral Nemo', created: 1721347200, hf: 'mistralai/Mistral-Nemo-Instruct-2407',
    description: 'A 12B model with a 128k context window built by Mistral in collaboration with NVIDIA; multilingual.',
    context: 131072, maxOut: 16384, input: ['text'], tokenizer: 'Mistral', instruct: 'mistral', params: [...BASE, 'top_k', 'repetition_penalty'],
    endpoints: [
      { provider: 'Mistral', quantization: null, pricing: { prompt: '0.00000015', completion: '0.00000015' }, tps: 140, ttft: 0.27 },
      { provider: 'DeepInfra', quantization: 'fp8', pricing: { prompt: '0.00000002', completion: '0.00000004' }, tps: 72, ttft: 0.31 },
      { provider: 'Nebius', quantization: 'fp8', pricing: { prompt: '0.00000004', completion: '0.00000012' }, tps: 61, ttft: 0.45 },
    ],
  },
  {
    id: 'mistralai/mistral-7b-instruct:free', name: 'Mistral: Mistral 7B Instruct (free)', created: 1716768000, hf: 'mistralai/Mistral-7B-Instruct-v0.3',
    description: 'A high-performing, industry-standard 7.3B parameter model, optimised for speed and context length.',
    context: 32768, maxOut: 16384, input: ['text'], tokenizer: 'Mistral', instruct: 'mistral', params: ['max_tokens', 'temperature', 'top_p', 'stop'],
    endpoints: [{ provider: 'Chutes', pricing: FREE, tps: 75, ttft: 0.9, uptime: 95.5 }],
  },
  // ---------------------------------------------------------------- DeepSeek
  {
    id: 'deepseek/deepseek-chat-v3.1', name: 'DeepSeek: DeepSeek V3.1', created: 1755779628, hf: 'deepseek-ai/DeepSeek-V3.1',
    description: 'DeepSeek-V3.1 is a 671B-parameter hybrid reasoning model supporting both thinking and non-thinking modes via prompt templates.',
    context: 163840, maxOut: 163840, input: ['text'], tokenizer: 'DeepSeek', instruct: 'deepseek-v3.1',
    params: [...BASE, ...TOOLS, ...STRUCT, ...REASON],
    reasoning: { mandatory: false, supported_efforts: null },
    endpoints: [
      { provider: 'DeepSeek', quantization: 'fp8', pricing: { prompt: '0.00000027', completion: '0.0000011', input_cache_read: '0.00000007' }, tps: 24, ttft: 1.6 },
      { provider: 'DeepInfra', quantization: 'fp4', pricing: { prompt: '0.0000002', completion: '0.0000008' }, tps: 33, ttft: 0.8 },
      { provider: 'Fireworks', quantization: 'fp8', pricing: { prompt: '0.00000056', completion: '0.00000168' }, tps: 81, ttft: 0.62 },
    ],
  },
  {
    id: 'deepseek/deepseek-r1', name: 'DeepSeek: R1', created: 1737381095, hf: 'deepseek-ai/DeepSeek-R1',
    description: 'DeepSeek R1 is an open-source reasoning model with performance on par with OpenAI o1; its reasoning tokens are fully open.',
    context: 163840, maxOut: 163840, input: ['text'], tokenizer: 'DeepSeek', instruct: 'deepseek-r1',
    params: ['max_tokens', 'temperature', 'top_p', 'stop', 'seed', ...REASON],
    reasoning: { mandatory: true, supported_efforts: null },
    endpoints: [
      { provider: 'DeepSeek', quantization: 'fp8', pricing: { prompt: '0.0000004', completion: '0.000002', input_cache_read: '0.0000001' }, tps: 21, ttft: 2.8 },
      { provider: 'Together', quantization: 'fp8', pricing: { prompt: '0.000003', completion: '0.000007' }, tps: 69, ttft: 0.9 },
      { provider: 'Fireworks', quantization: 'fp8', pricing: { prompt: '0.000003', completion: '0.000008' }, tps: 75, ttft: 0.7 },
    ],
  },
  {
    id: 'deepseek/deepseek-r1:free', name: 'DeepSeek: R1 (free)', created: 1737381095, hf: 'deepseek-ai/DeepSeek-R1',
    description: 'DeepSeek R1 is an open-source reasoning model with performance on par with OpenAI o1. Free variant.',
    context: 163840, maxOut: 16384, input: ['text'], tokenizer: 'DeepSeek', instruct: 'deepseek-r1', params: ['max_tokens', 'temperature', 'top_p', 'stop', ...REASON],
    reasoning: { mandatory: true, supported_efforts: null },
    endpoints: [{ provider: 'Chutes', quantization: 'fp8', pricing: FREE, tps: 19, ttft: 3.5, uptime: 92.7 }],
  },
  // ---------------------------------------------------------------- Qwen
  {
    id: 'qwen/qwen3-235b-a22b-2507', name: 'Qwen: Qwen3 235B A22B Instruct 2507', created: 1753119555, hf: 'Qwen/Qwen3-235B-A22B-Instruct-2507',
    description: 'Qwen3-235B-A22B-Instruct-2507 is a multilingual mixture-of-experts model optimised for general text generation, instruction following and tool use.',
    context: 262144, maxOut: 262144, input: ['text'], tokenizer: 'Qwen3', instruct: 'qwen3', params: [...BASE, 'top_k', ...TOOLS, ...STRUCT],
    endpoints: [
      { provider: 'Alibaba', quantization: null, pricing: { prompt: '0.0000007', completion: '0.0000028', input_cache_read: '0.00000014' }, tps: 48, ttft: 0.95 },
      { provider: 'DeepInfra', quantization: 'fp8', pricing: { prompt: '0.00000008', completion: '0.00000055' }, tps: 36, ttft: 0.5 },
      { provider: 'Cerebras', quantization: 'unknown', pricing: { prompt: '0.0000006', completion: '0.0000012' }, tps: 1400, ttft: 0.38, params: [...BASE, 'top_k', ...TOOLS] },
    ],
  },
  {
    id: 'qwen/qwen3-coder', name: 'Qwen: Qwen3 Coder 480B A35B', created: 1753230546, hf: 'Qwen/Qwen3-Coder-480B-A35B-Instruct',
    description: 'Qwen3-Coder-480B-A35B-Instruct is a mixture-of-experts code model optimised for agentic coding: function calling, tool use and long-context repositories.',
    context: 262144, maxOut: 262144, input: ['text'], tokenizer: 'Qwen3', instruct: 'qwen3', params: [...BASE, 'top_k', ...TOOLS, ...STRUCT],
    endpoints: [
      { provider: 'DeepInfra', quantization: 'fp8', pricing: { prompt: '0.00000022', completion: '0.00000095' }, tps: 41, ttft: 0.62 },
      { provider: 'Alibaba', quantization: null, pricing: { prompt: '0.000001', completion: '0.000005', input_cache_read: '0.0000001' }, tps: 60, ttft: 1.1 },
    ],
  },
  {
    id: 'qwen/qwen2.5-vl-72b-instruct', name: 'Qwen: Qwen2.5 VL 72B Instruct', created: 1738410311, hf: 'Qwen/Qwen2.5-VL-72B-Instruct',
    description: 'Qwen2.5-VL recognises common objects, analyses text, charts and layouts in images, and understands long videos.',
    context: 32768, maxOut: 32768, input: ['text', 'image'], tokenizer: 'Qwen', instruct: 'chatml', params: [...BASE, 'top_k', 'repetition_penalty', 'response_format'],
    endpoints: [
      { provider: 'Parasail', quantization: 'fp8', pricing: { prompt: '0.00000025', completion: '0.00000075' }, tps: 34, ttft: 1.2 },
      { provider: 'Nebius', quantization: 'fp8', pricing: { prompt: '0.00000025', completion: '0.00000075' }, tps: 28, ttft: 1.0 },
    ],
  },
  {
    id: 'qwen/qwen3-32b', name: 'Qwen: Qwen3 32B', created: 1745875945, hf: 'Qwen/Qwen3-32B',
    description: 'Qwen3-32B is a dense 32.8B causal language model that switches between a thinking mode for complex reasoning and a non-thinking mode for dialogue.',
    context: 40960, maxOut: 40960, input: ['text'], tokenizer: 'Qwen3', instruct: 'qwen3', params: [...BASE, 'top_k', ...TOOLS, ...REASON, 'response_format'],
    reasoning: { mandatory: false, supported_efforts: null },
    endpoints: [
      { provider: 'DeepInfra', quantization: 'fp8', pricing: { prompt: '0.00000005', completion: '0.0000002' }, tps: 48, ttft: 0.5 },
      { provider: 'Groq', quantization: 'unknown', pricing: { prompt: '0.00000029', completion: '0.00000059' }, tps: 520, ttft: 0.3 },
      { provider: 'SambaNova', quantization: 'bf16', pricing: { prompt: '0.0000004', completion: '0.0000008' }, tps: 300, ttft: 0.44 },
    ],
  },
  // ---------------------------------------------------------------- xAI
  {
    id: 'x-ai/grok-4', name: 'xAI: Grok 4', created: 1752087689,
    description: 'Grok 4 is xAI\'s reasoning model with a 256k context window, parallel tool calling, structured outputs and image input. Reasoning cannot be disabled.',
    context: 256000, maxOut: null, input: ['image', 'text'], tokenizer: 'Grok', params: ['max_tokens', 'temperature', 'top_p', 'seed', ...TOOLS, ...STRUCT, ...REASON, 'logprobs', 'top_logprobs'],
    reasoning: { mandatory: true, supported_efforts: null }, reasoningFormat: 'xai-responses-v1',
    endpoints: [{ provider: 'xAI', pricing: { prompt: '0.000003', completion: '0.000015', input_cache_read: '0.00000075', web_search: '0.025' }, tps: 44, ttft: 7.5 }],
  },
  {
    id: 'x-ai/grok-3-mini', name: 'xAI: Grok 3 Mini', created: 1744240068,
    description: 'A lightweight model that thinks before responding; fast, smart and great for logic-based tasks that need little domain knowledge.',
    context: 131072, maxOut: null, input: ['text'], tokenizer: 'Grok', params: ['max_tokens', 'temperature', 'top_p', 'seed', 'stop', ...TOOLS, ...STRUCT, ...REASON],
    reasoning: { mandatory: false, supported_efforts: ['high', 'low'] }, reasoningFormat: 'xai-responses-v1',
    endpoints: [{ provider: 'xAI', pricing: { prompt: '0.0000003', completion: '0.0000005', input_cache_read: '0.000000075' }, tps: 150, ttft: 0.8 }],
  },
  {
    id: 'x-ai/grok-code-fast-1', name: 'xAI: Grok Code Fast 1', created: 1756238927,
    description: 'Grok Code Fast 1 is a speedy, economical reasoning model that excels at agentic coding, with visible reasoning traces.',
    context: 256000, maxOut: 10000, input: ['text'], tokenizer: 'Grok', params: ['max_tokens', 'temperature', 'top_p', 'seed', 'stop', ...TOOLS, ...STRUCT, ...REASON],
    reasoning: { mandatory: true, supported_efforts: null }, reasoningFormat: 'xai-responses-v1',
    endpoints: [{ provider: 'xAI', pricing: { prompt: '0.0000002', completion: '0.0000015', input_cache_read: '0.00000002' }, tps: 180, ttft: 1.5 }],
  },
];

export const AUTO_MODEL_ID = 'openrouter/auto';

export const AUTO_MODEL: CatalogModel = {
  id: AUTO_MODEL_ID,
  canonicalSlug: AUTO_MODEL_ID,
  huggingFaceId: null,
  name: 'Auto Router',
  created: 1699401600,
  description: 'Your prompt will be processed by a meta-model and routed to one of dozens of models, optimising for the best possible output. The response\'s `model` attribute names the model that answered.',
  contextLength: 2000000,
  knowledgeCutoff: null,
  architecture: { modality: 'text+image+file->text', input_modalities: ['text', 'image', 'file'], output_modalities: ['text'], tokenizer: 'Router', instruct_type: null },
  pricing: { prompt: '-1', completion: '-1' },
  topProvider: { context_length: 2000000, max_completion_tokens: null, is_moderated: false },
  supportedParameters: [...BASE, 'top_k', ...TOOLS, ...STRUCT, ...REASON],
  defaultParameters: null,
  reasoning: null,
  endpoints: [],
  reasoningFormat: 'unknown',
};

/** Concrete models, in listing order, followed by `openrouter/auto`. */
export const CATALOG: readonly CatalogModel[] = [...SPECS.map(buildModel), AUTO_MODEL];

const BY_ID = new Map(CATALOG.map((m) => [m.id, m]));

export function getModel(id: string): CatalogModel | undefined {
  return BY_ID.get(id);
}

/** Every price in the catalog must be exact in nano-USD: checked once at load. */
for (const m of CATALOG) {
  for (const p of [m.pricing, ...m.endpoints.map((e) => e.pricing)]) {
    for (const v of Object.values(p)) if (typeof v === 'string') priceToNano(v);
  }
}

/** The models `openrouter/auto` routes between, in order of preference (first that fits wins). */
export const AUTO_CANDIDATES: readonly string[] = [
  'openai/gpt-4o-mini',
  'anthropic/claude-sonnet-4.5',
  'google/gemini-2.5-flash',
  'meta-llama/llama-3.3-70b-instruct',
  'deepseek/deepseek-chat-v3.1',
];

// ---------------------------------------------------------------------------------------------
// JSON shapes of /models and /models/{author}/{slug}/endpoints (the spec's Model, PublicEndpoint)
// ---------------------------------------------------------------------------------------------

export function modelJson(m: CatalogModel): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: m.id,
    canonical_slug: m.canonicalSlug,
    hugging_face_id: m.huggingFaceId,
    name: m.name,
    created: m.created,
    description: m.description,
    context_length: m.contextLength,
    architecture: { ...m.architecture, input_modalities: [...m.architecture.input_modalities], output_modalities: [...m.architecture.output_modalities] },
    pricing: { ...m.pricing },
    top_provider: { ...m.topProvider },
    per_request_limits: null,
    supported_parameters: [...m.supportedParameters],
    default_parameters: m.defaultParameters ? { ...m.defaultParameters } : null,
    supported_voices: null,
    knowledge_cutoff: m.knowledgeCutoff,
    expiration_date: null,
    links: { details: `/api/v1/models/${m.id}/endpoints` },
  };
  if (m.reasoning) out.reasoning = { ...m.reasoning };
  return out;
}

export function endpointJson(m: CatalogModel, e: CatalogEndpoint): Record<string, unknown> {
  return {
    name: `${e.providerName} | ${m.id}`,
    model_id: m.id,
    model_name: m.name,
    context_length: e.contextLength,
    pricing: { ...e.pricing },
    provider_name: e.providerName,
    tag: e.tag,
    quantization: e.quantization,
    max_completion_tokens: e.maxCompletionTokens,
    max_prompt_tokens: e.contextLength,
    supported_parameters: [...e.supportedParameters],
    status: 0,
    uptime_last_30m: e.uptime.last30m,
    uptime_last_5m: e.uptime.last5m,
    uptime_last_1d: e.uptime.last1d,
    supports_implicit_caching: e.supportsImplicitCaching,
    latency_last_30m: { ...e.latency },
    throughput_last_30m: { ...e.throughput },
  };
}

export function endpointsResponseJson(m: CatalogModel): Record<string, unknown> {
  return {
    data: {
      id: m.id,
      name: m.name,
      created: m.created,
      description: m.description,
      architecture: { ...m.architecture },
      endpoints: m.endpoints.map((e) => endpointJson(m, e)),
    },
  };
}
