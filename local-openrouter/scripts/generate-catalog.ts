/**
 * Generates `local-openrouter/catalog-recorded.json` from a recorded `GET /api/v1/models` listing.
 *
 *   npx tsx local-openrouter/scripts/generate-catalog.ts <listing> [> local-openrouter/catalog-recorded.json]
 *
 * <listing> is either a plain listing (`{"data": [...]}`) or the nock cassette that recorded it, whose
 * body is brotli-compressed hex (`response: ["…"]`, `content-encoding: br`). The listing the committed file
 * was made from: RooVetGit/Roo-Code src/api/providers/fetchers/__tests__/fixtures/openrouter-models.json
 * at commit fa1e7b415cc565647b436807682ebfbc751cf788, recorded from openrouter.ai on 2025-05-23 (its `date`
 * header), 321 models. It is not committed here; only what this script derives from it is.
 *
 * On top of it come the 2026 entries of tests/fixtures/openrouter-recorded/models-listing-subset-tiered-alias-router.json
 * (alias with `alias_target`, tiered `pricing.overrides`, `reasoning.default_enabled`, dated `canonical_slug`s,
 * audio prices) and the OVERLAY below, each with its source.
 *
 * The listing has no endpoints: each model gets 1–3 made-up ones (its author's own service, or hosts of
 * open weights), the first at the listed price, the others dearer; speeds and latencies are drawn from a
 * hash of the id, so the file is the same on every run.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { ModelGroup, Parameter, RecordedCatalogFile, type ProviderName } from "../catalog-schema";

type ListedModel = {
  id: string;
  canonical_slug?: string;
  alias_target?: { name: string; slug: string };
  hugging_face_id?: string | null;
  name: string;
  created: number;
  description: string;
  context_length: number;
  architecture: { input_modalities: string[]; output_modalities: string[]; tokenizer: string; instruct_type: string | null };
  pricing: Record<string, unknown>;
  top_provider: { context_length: number | null; max_completion_tokens: number | null; is_moderated: boolean };
  supported_parameters: string[];
  reasoning?: Record<string, unknown>;
};

/** Run from the repository root. */
const ROOT = process.cwd();
const SUBSET = "tests/fixtures/openrouter-recorded/models-listing-subset-tiered-alias-router.json";

function readListing(file: string): ListedModel[] {
  const raw: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (Array.isArray(raw)) {
    // A nock cassette: the body as hex of its (brotli) encoding.
    const hex = (raw[0] as { response: string[] }).response.join("");
    return (JSON.parse(zlib.brotliDecompressSync(Buffer.from(hex, "hex")).toString("utf8")) as { data: ListedModel[] }).data;
  }
  return (raw as { data: ListedModel[] }).data;
}

/** A number in [0, 1) from the id, so that made-up figures do not change between runs. */
function unit(id: string, salt: string): number {
  return createHash("sha256").update(`${salt}|${id}`).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Listed prices with more than 9 decimals (gemini-flash-1.5's `input_cache_read` 0.00000001875) are rounded
 * half-up to 9: the local server bills in integer nano-USD per token (README, Known differences).
 */
function price(value: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!m) throw new Error(`not a price: ${value}`);
  const [, sign, whole, frac = ""] = m;
  if (frac.length <= 9) return value;
  let nano = BigInt(whole) * 1_000_000_000n + BigInt(frac.slice(0, 9));
  if (Number(frac[9]) >= 5) nano += 1n;
  return `${sign}${formatNano(nano)}`;
}

function formatNano(nano: bigint): string {
  const whole = nano / 1_000_000_000n;
  const frac = (nano % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : String(whole);
}

function scaled(value: string, factor: number): string {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(value)!;
  const nano = BigInt(m[1]) * 1_000_000_000n + BigInt((m[2] ?? "").padEnd(9, "0"));
  return formatNano((nano * BigInt(Math.round(factor * 100))) / 100n);
}

/** The author's own service, where the spec's `ProviderName` has one. */
const FIRST_PARTY: Record<string, ProviderName[]> = {
  openai: ["OpenAI", "Azure"],
  anthropic: ["Anthropic", "Amazon Bedrock", "Google"],
  google: ["Google AI Studio", "Google"],
  "x-ai": ["xAI"],
  mistralai: ["Mistral"],
  deepseek: ["DeepSeek"],
  qwen: ["Alibaba"],
  cohere: ["Cohere"],
  perplexity: ["Perplexity"],
  amazon: ["Amazon Bedrock"],
  ai21: ["AI21"],
  inflection: ["Inflection"],
  minimax: ["Minimax"],
  moonshotai: ["Moonshot AI"],
  nvidia: ["Nvidia"],
};
const OPEN_WEIGHT_HOSTS: ProviderName[] = ["DeepInfra", "Together", "Novita", "Nebius", "Parasail", "Fireworks"];

const NEW_PROVIDERS = {
  Perplexity: { slug: "perplexity", trainsOnData: false, zdr: false, implicitCaching: false },
  Cohere: { slug: "cohere", trainsOnData: false, zdr: false, implicitCaching: false },
  AI21: { slug: "ai21", trainsOnData: false, zdr: false, implicitCaching: false },
  Inflection: { slug: "inflection", trainsOnData: false, zdr: false, implicitCaching: false },
  Minimax: { slug: "minimax", trainsOnData: false, zdr: false, implicitCaching: false },
  "Moonshot AI": { slug: "moonshotai", trainsOnData: false, zdr: false, implicitCaching: true },
  Nvidia: { slug: "nvidia", trainsOnData: false, zdr: false, implicitCaching: false },
} as const;

function providersFor(m: ListedModel): ProviderName[] {
  if (m.id.endsWith(":free")) return ["Chutes"];
  const author = (m.alias_target?.slug ?? m.id).replace(/^~/, "").split("/")[0];
  const own = FIRST_PARTY[author] ?? [];
  const openWeight = Boolean(m.hugging_face_id);
  // Google's and OpenAI's open weights (gemma, gpt-oss) are served by hosts, not by Google AI Studio or OpenAI.
  const first = openWeight && (author === "google" || author === "openai") ? [] : own;
  const hosts = openWeight || first.length === 0 ? OPEN_WEIGHT_HOSTS : [];
  const start = Math.floor(unit(m.id, "host") * hosts.length);
  const rotated = [...hosts.slice(start), ...hosts.slice(0, start)];
  const count = 1 + Math.floor(unit(m.id, "count") * 3);
  return [...first, ...rotated].slice(0, Math.max(1, Math.min(3, first.length > 0 ? Math.max(first.length, count) : count)));
}

function pricing(listed: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(listed)) {
    if (key === "overrides") {
      out.overrides = (value as Record<string, unknown>[]).map((o) =>
        Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === "string" ? price(v) : v])),
      );
    } else if (key !== "discount") out[key] = price(String(value));
  }
  return out;
}

const REASONING_FORMAT: Record<string, string> = {
  anthropic: "anthropic-claude-v1",
  openai: "openai-responses-v1",
  google: "google-gemini-v1",
  "x-ai": "xai-responses-v1",
};

const PARAMETERS = new Set<string>(Parameter.options);
const TOKENIZERS = new Set<string>(ModelGroup.options);

function entry(m: ListedModel): Record<string, unknown> {
  const providers = providersFor(m);
  const base = pricing(m.pricing);
  const author = m.id.replace(/^~/, "").split("/")[0];
  const reasons = m.supported_parameters.includes("reasoning");
  const out: Record<string, unknown> = { id: m.id };
  const defaultCanonical = m.id.replace(/:free$/, "");
  if (m.canonical_slug && m.canonical_slug !== defaultCanonical) out.canonical = m.canonical_slug;
  if (m.alias_target) out.alias = m.alias_target;
  Object.assign(out, {
    hf: m.hugging_face_id ?? null,
    name: m.name,
    created: m.created,
    description: m.description.trim() || m.name,
    context: m.context_length,
    maxOut: m.top_provider.max_completion_tokens ?? null,
    input: m.architecture.input_modalities,
  });
  if (m.architecture.output_modalities.join() !== "text") out.output = m.architecture.output_modalities;
  out.tokenizer = TOKENIZERS.has(m.architecture.tokenizer) ? m.architecture.tokenizer : "Other";
  if (m.architecture.instruct_type) out.instruct = m.architecture.instruct_type;
  out.params = m.supported_parameters.filter((p) => PARAMETERS.has(p));
  if (m.reasoning) out.reasoning = m.reasoning;
  if (reasons && REASONING_FORMAT[author]) out.reasoningFormat = REASONING_FORMAT[author];
  if (m.top_provider.is_moderated) out.moderated = true;
  out.endpoints = providers.map((provider, i) => {
    const e: Record<string, unknown> = {
      provider,
      pricing:
        i === 0
          ? base
          : Object.fromEntries(Object.entries(base).map(([k, v]) => [k, typeof v === "string" && v !== "0" ? scaled(v, 1 + 0.2 * i) : v])),
      tps: Math.round(25 + unit(`${m.id}|${provider}`, "tps") * 155),
      ttft: Math.round((0.25 + unit(`${m.id}|${provider}`, "ttft") * 1.35) * 100) / 100,
    };
    if (m.top_provider.context_length && m.top_provider.context_length !== m.context_length && i === 0) e.context = m.top_provider.context_length;
    return e;
  });
  return out;
}

/** Changes to listed models, and models no listing here has, each with the recording that shows it. */
const OVERLAY: Record<string, { source: string; change: (m: Record<string, unknown>) => Record<string, unknown> }> = {
  "anthropic/claude-3.7-sonnet": {
    source: "generation-data-claude-3.7-sonnet.partial.txt: /generation names the served model anthropic/claude-3-7-sonnet-20250219",
    change: (m) => ({ ...m, canonical: "anthropic/claude-3-7-sonnet-20250219", servesCanonical: true }),
  },
};

/** A model no recorded listing here has: the corpus recorded it served under its dated slug. */
function claudeSonnet46(like: Record<string, unknown>): Record<string, unknown> {
  // Source: stream-usage-empty-choices-dated-slug-claude-sonnet-4.6-bedrock.sse (2026-03-08): requested
  // anthropic/claude-sonnet-4.6, served "anthropic/claude-4.6-sonnet-20260217" by Amazon Bedrock. Listing
  // facts (prices, context, parameters) are claude-sonnet-4.5's, as no listing of 4.6 is recorded here.
  const endpoints = (like.endpoints as Record<string, unknown>[]).map((e) => ({ ...e }));
  endpoints.sort((a, b) => (a.provider === "Amazon Bedrock" ? -1 : b.provider === "Amazon Bedrock" ? 1 : 0));
  endpoints[0] = { ...endpoints[0], pricing: (like.endpoints as Record<string, unknown>[])[0].pricing };
  return {
    ...like,
    id: "anthropic/claude-sonnet-4.6",
    canonical: "anthropic/claude-4.6-sonnet-20260217",
    servesCanonical: true,
    name: "Anthropic: Claude Sonnet 4.6",
    created: 1771286400,
    description: "Claude Sonnet 4.6 (local stand-in: listed like Claude Sonnet 4.5; its served dated slug is recorded).",
    endpoints,
  };
}

function main(): void {
  const file = process.argv[2];
  if (!file) throw new Error("usage: generate-catalog.ts <recorded /api/v1/models listing or its nock cassette>");
  const listed = readListing(file);
  const subset = (JSON.parse(readFileSync(path.join(ROOT, SUBSET), "utf8")) as { data: ListedModel[] }).data;
  const byId = new Map<string, Record<string, unknown>>();
  // Routers (openrouter/auto, openrouter/auto-beta) are catalog.json's `router`; they have no endpoints.
  for (const m of listed) if (!m.id.startsWith("openrouter/")) byId.set(m.id, entry(m));
  for (const m of subset) if (!m.id.startsWith("openrouter/")) byId.set(m.id, entry(m));
  for (const [id, o] of Object.entries(OVERLAY)) {
    const m = byId.get(id);
    if (!m) throw new Error(`overlay: ${id} is not in the listing (${o.source})`);
    byId.set(id, o.change(m));
  }
  const hand = (JSON.parse(readFileSync(path.join(ROOT, "local-openrouter/catalog.json"), "utf8")) as { models: Record<string, unknown>[] }).models;
  const sonnet45 = hand.find((m) => m.id === "anthropic/claude-sonnet-4.5")!;
  byId.set("anthropic/claude-sonnet-4.6", claudeSonnet46(sonnet45));
  // Hand-written models (catalog.json) win; they are left out here so that each id is written once.
  for (const m of hand) byId.delete(m.id as string);
  const out = {
    source: {
      listing:
        "RooVetGit/Roo-Code src/api/providers/fetchers/__tests__/fixtures/openrouter-models.json (commit fa1e7b415cc565647b436807682ebfbc751cf788), a nock recording of GET https://openrouter.ai/api/v1/models",
      recorded: "2025-05-23",
      overlay: `${SUBSET} (pydantic/genai-prices tests/fixtures/openrouter_models.json, 2026-07-30); anthropic/claude-3.7-sonnet and anthropic/claude-sonnet-4.6 dated slugs from the corpus (see scripts/generate-catalog.ts)`,
      endpoints:
        "made up by scripts/generate-catalog.ts (the listing has none): author's own service or open-weight hosts, speeds from a hash of the id",
    },
    providers: NEW_PROVIDERS,
    models: [...byId.values()],
  };
  RecordedCatalogFile.parse(out);
  // One model per line: the file stays reviewable as a diff when the listing is re-recorded.
  const lines = out.models.map((m) => `    ${JSON.stringify(m)}`);
  process.stdout.write(
    `{\n  "source": ${JSON.stringify(out.source)},\n  "providers": ${JSON.stringify(out.providers)},\n  "models": [\n${lines.join(",\n")}\n  ]\n}\n`,
  );
}

main();
