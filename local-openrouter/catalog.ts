/**
 * The local OpenRouter's model catalog: the hand-written models of `catalog.json` and the ones
 * generated from a recorded listing in `catalog-recorded.json` (scripts/generate-catalog.ts),
 * validated at load (catalog-schema.ts) and expanded into the records the server lists, routes
 * and bills with. Prices and the cost arithmetic are in cost.ts.
 */
import { readFileSync } from "node:fs";
import data from "./catalog.json";
import {
  AUTO_MODEL_ID,
  CatalogFile,
  type CatalogPriceTable,
  type EndpointEntry,
  type InputModality,
  type InstructType,
  type ModelEntry,
  type ModelGroup,
  type OutputModality,
  type Parameter,
  type ProviderInfo,
  type ProviderName,
  type Quantization,
  type ReasoningEffort,
  type ReasoningFormat,
  RecordedCatalogFile,
} from "./catalog-schema";

export { AUTO_MODEL_ID };
export type { Parameter };

export interface CatalogEndpoint {
  providerName: ProviderName;
  /** Provider slug as accepted by `provider.order/only/ignore` (e.g. `deepinfra`). */
  slug: string;
  /** Endpoint tag, e.g. `deepinfra/fp8` (also accepted by `order/only/ignore`). */
  tag: string;
  pricing: CatalogPriceTable;
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
  /** What the upstream reports as the served `model`: the id, or the dated canonical slug, or an alias's target. */
  servedModel: string;
  /** `alias_target` of a `~author/…-latest` alias. */
  alias: { name: string; slug: string } | null;
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
  pricing: CatalogPriceTable;
  topProvider: { context_length: number; max_completion_tokens: number | null; is_moderated: boolean };
  supportedParameters: Parameter[];
  defaultParameters: { temperature?: number | null; top_p?: number | null; frequency_penalty?: number | null } | null;
  reasoning: {
    mandatory: boolean;
    default_enabled?: boolean;
    supported_efforts?: ReasoningEffort[] | null;
    default_effort?: ReasoningEffort;
  } | null;
  endpoints: CatalogEndpoint[];
  /** Reasoning `format` reported in `reasoning_details`. */
  reasoningFormat: ReasoningFormat;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function buildEndpoint(m: ModelEntry, e: EndpointEntry, info: ProviderInfo): CatalogEndpoint {
  const q = e.quantization === undefined ? (m.hf ? "bf16" : "unknown") : e.quantization;
  return {
    providerName: e.provider,
    slug: info.slug,
    tag: q && q !== "unknown" ? `${info.slug}/${q}` : info.slug,
    pricing: e.pricing,
    quantization: q,
    contextLength: e.context ?? m.context,
    maxCompletionTokens: e.maxOut === undefined ? m.maxOut : e.maxOut,
    supportedParameters: e.params ?? m.params,
    trainsOnData: e.trainsOnData ?? info.trainsOnData,
    zdr: e.zdr ?? info.zdr,
    supportsImplicitCaching: info.implicitCaching,
    uptime: {
      last30m: e.uptime ?? 99.6,
      last5m: e.uptime === undefined ? 100 : Math.min(100, e.uptime + 0.2),
      last1d: round((e.uptime ?? 99.6) - 0.3, 2),
    },
    latency: { p50: e.ttft, p75: round(e.ttft * 1.3, 3), p90: round(e.ttft * 1.8, 3), p99: round(e.ttft * 3.5, 3) },
    throughput: { p50: e.tps, p75: round(e.tps * 0.85, 1), p90: round(e.tps * 0.62, 1), p99: round(e.tps * 0.3, 1) },
  };
}

function modalityString(input: InputModality[], output: OutputModality[]): string {
  return `${input.join("+")}->${output.join("+")}`;
}

function buildModel(m: ModelEntry, providers: CatalogFile["providers"]): CatalogModel {
  const output = m.output ?? ["text"];
  const endpoints = m.endpoints.map((e) => {
    const info = providers[e.provider];
    if (!info) throw new Error(`catalog: ${m.id} is served by ${e.provider}, which no catalog file describes`);
    return buildEndpoint(m, e, info);
  });
  const params = Array.from(new Set([...m.params, ...endpoints.flatMap((e) => e.supportedParameters)]));
  const canonicalSlug = m.canonical ?? m.id.replace(/:free$/, "");
  return {
    id: m.id,
    canonicalSlug,
    // An alias is answered by the model it points at; see catalog-schema.ts for `servesCanonical`.
    servedModel: m.alias?.slug ?? (m.servesCanonical ? canonicalSlug : m.id),
    alias: m.alias ?? null,
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
    reasoningFormat: m.reasoningFormat ?? "unknown",
  };
}

function buildRouter(r: CatalogFile["router"]): CatalogModel {
  return {
    id: r.id,
    canonicalSlug: r.id,
    servedModel: r.id,
    alias: null,
    huggingFaceId: null,
    name: r.name,
    created: r.created,
    description: r.description,
    contextLength: r.context,
    knowledgeCutoff: null,
    architecture: {
      modality: modalityString(r.input, ["text"]),
      input_modalities: r.input,
      output_modalities: ["text"],
      tokenizer: r.tokenizer,
      instruct_type: null,
    },
    // OpenRouter lists the router's prices as -1: a request pays the prices of the model it picks.
    pricing: { prompt: "-1", completion: "-1" },
    topProvider: { context_length: r.context, max_completion_tokens: null, is_moderated: false },
    supportedParameters: r.params,
    defaultParameters: null,
    reasoning: null,
    endpoints: [],
    reasoningFormat: "unknown",
  };
}

const file = CatalogFile.parse(data);
const recorded = RecordedCatalogFile.parse(JSON.parse(readFileSync(new URL("./catalog-recorded.json", import.meta.url), "utf8")));
const providers = { ...recorded.providers, ...file.providers };
const handWritten = new Set(file.models.map((m) => m.id));

/**
 * Hand-written models (the ones tests script against), then the recorded listing's others, then
 * `openrouter/auto`. A recorded model with a hand-written id is left out: the hand-written one wins.
 */
export const CATALOG: readonly CatalogModel[] = [
  ...file.models.map((m) => buildModel(m, providers)),
  ...recorded.models.filter((m) => !handWritten.has(m.id)).map((m) => buildModel(m, providers)),
  buildRouter(file.router),
];

/** The models `openrouter/auto` routes between, in order of preference (first that fits wins). */
export const AUTO_CANDIDATES: readonly string[] = file.router.candidates;

const BY_ID = new Map(CATALOG.map((m) => [m.id, m]));

export function getModel(id: string): CatalogModel | undefined {
  return BY_ID.get(id);
}
