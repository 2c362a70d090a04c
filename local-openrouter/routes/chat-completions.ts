/**
 * `POST /api/v1/chat/completions`: checks the key and the body, resolves the models and routes
 * them to endpoints, plays a scripted pre-stream error or fallback, plans the answer, and hands it
 * to a streamed or a JSON response.
 */
import type http from "node:http";
import { performance } from "node:perf_hooks";
import { AUTO_MODEL_ID, type CatalogEndpoint, type CatalogModel, getModel, type Parameter } from "../catalog";
import { affordabilityRefusal } from "../affordability";
import { WEB_PLUGIN_DEFAULT_RESULTS } from "../cost";
import { type Directive, intParam, parseDirective } from "../directive";
import { authenticate, sendJson, sha256 } from "../http";
import { buildPlan } from "../plan";
import { checkReplayedReasoning } from "../reasoning";
import { finishError, type GenContext, newRecord, providerResponse } from "../records";
import { type ChatRequest, contentText, parseChatRequest } from "../request";
import { JsonRun } from "../responses/json";
import { StreamRun } from "../responses/stream";
import { resolveAuto, type RouteFailure, type RouteNeeds, routeEndpoints } from "../routing";
import { scriptedErrorBody } from "../scripted-errors";
import type { ServerState } from "../state";
import { countInputImages, countMediaParts, countPromptTokens } from "../tokenizer";
import type { ProviderResponseData, RequestLogEntry } from "../types";
import { errorBody, randomId } from "../wire";

/** Most entries OpenRouter takes in a request's `models` fallback list. */
const MAX_MODELS = 3;

function lastUserText(req: ChatRequest): string {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const m = req.messages[i];
    if (m.role === "user") return contentText(m.content);
  }
  return "";
}

/** Parameters present in a request, for `provider.require_parameters`. */
function requestedParams(req: ChatRequest): Parameter[] {
  const out: Parameter[] = [];
  const has = (v: unknown) => v !== undefined && v !== null;
  if (has(req.temperature)) out.push("temperature");
  if (has(req.top_p)) out.push("top_p");
  if (has(req.top_k)) out.push("top_k");
  if (has(req.frequency_penalty)) out.push("frequency_penalty");
  if (has(req.presence_penalty)) out.push("presence_penalty");
  if (has(req.repetition_penalty)) out.push("repetition_penalty");
  if (has(req.seed)) out.push("seed");
  if (has(req.stop)) out.push("stop");
  if (has(req.max_tokens) || has(req.max_completion_tokens)) out.push("max_tokens");
  if (has(req.response_format)) out.push("response_format");
  if (req.tools && req.tools.length > 0) out.push("tools");
  if (has(req.tool_choice)) out.push("tool_choice");
  if (has(req.reasoning) || has(req.reasoning_effort)) out.push("reasoning");
  return out;
}

interface Candidate {
  model: CatalogModel;
  endpoints: CatalogEndpoint[];
  allowFallbacks: boolean;
  router: string | null;
}

/**
 * Routes each requested model (in order) to the endpoints that can serve the request and whose
 * context window holds it; returns those that can, or the first reason none could.
 */
function routeCandidates(
  chat: ChatRequest,
  ids: string[],
  needs: RouteNeeds,
  promptTokens: number,
  autoPlugin: { allowed_models?: string[]; excluded_models?: string[] } | undefined,
): { candidates: Candidate[]; firstRouteError: RouteFailure | null } {
  const maxOut = chat.max_tokens ?? chat.max_completion_tokens ?? 0;
  const candidates: Candidate[] = [];
  let firstRouteError: RouteFailure | null = null;
  for (const id of ids) {
    let model = getModel(id) as CatalogModel;
    let router: string | null = null;
    let route: ReturnType<typeof routeEndpoints>;
    if (model.id === AUTO_MODEL_ID) {
      const auto = resolveAuto(chat.provider, needs, autoPlugin);
      if ("error" in auto) {
        firstRouteError ??= auto.error;
        continue;
      }
      model = auto.model;
      router = AUTO_MODEL_ID;
      route = auto.route;
    } else {
      route = routeEndpoints(model, chat.provider, needs);
    }
    if (!route.ok) {
      firstRouteError ??= route;
      continue;
    }
    const fits = route.endpoints.filter((e) => promptTokens + maxOut <= e.contextLength);
    if (fits.length === 0) {
      const e = route.endpoints[0];
      firstRouteError ??= {
        ok: false,
        status: 400,
        body: errorBody(
          400,
          `This endpoint's maximum context length is ${e.contextLength} tokens. However, you requested about ${promptTokens + maxOut} tokens (${promptTokens} of text input, ${maxOut} in the output). Please reduce the length of either one, or use the "middle-out" transform to compress your prompt automatically.`,
        ),
      };
      continue;
    }
    candidates.push({ model, endpoints: fits, allowFallbacks: route.allowFallbacks, router });
  }
  return { candidates, firstRouteError };
}

/** `error status=S times=N`: the status this request fails with, or null (only the first N identical requests fail). */
function scriptedStatusFor(state: ServerState, d: Directive | null, keyHash: string, chat: ChatRequest): number | null {
  if (d?.name !== "error") return null;
  const times = intParam(d, "times", Number.MAX_SAFE_INTEGER, 0);
  const counterKey = sha256(`${keyHash}\n${JSON.stringify(chat.model)}\n${JSON.stringify(chat.messages)}`);
  const seen = state.errorCounters.get(counterKey) ?? 0;
  if (seen >= times) return null;
  state.errorCounters.set(counterKey, seen + 1);
  return intParam(d, "status", 502, 400, 599);
}

export async function handleChatCompletions(
  state: ServerState,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: unknown,
  bodyIsJson: boolean,
  entry: RequestLogEntry,
): Promise<void> {
  const startedAt = performance.now();
  const keyHash = authenticate(req, res, state.opts.apiKey);
  if (keyHash === null) return;
  if (!bodyIsJson) return sendJson(res, 400, errorBody(400, "Invalid JSON in request body"));
  const parsed = parseChatRequest(body);
  if (!parsed.ok) return sendJson(res, 400, errorBody(400, parsed.message));
  const chat = parsed.value;
  // The real service refuses more than 3 entries in `models`:
  // tests/fixtures/openrouter-recorded/error-400-models-too-many.message.txt (coder/mux#2963; 4 and 5
  // entries get the same 400). Only the message is recorded; the body takes the `{error: {message,
  // code}}` shape of the recorded error bodies (error-402-affordability-65536-vs-10114.json). Whether
  // a `model` outside `models` counts too is not recorded; here it does not (README, Known differences).
  if (chat.models && chat.models.length > MAX_MODELS) {
    return sendJson(res, 400, errorBody(400, `'models' array must have ${MAX_MODELS} items or fewer.`));
  }

  const userText = lastUserText(chat);
  const d = parseDirective(userText);
  const promptText = d ? userText.replace(d.source, "").trim() : userText;

  // Models to try: `model` then the `models` fallback list. A `:online` suffix turns on web search.
  const requested = Array.from(new Set([...(chat.model ? [chat.model] : []), ...(chat.models ?? [])]));
  if (requested.length === 0) requested.push(AUTO_MODEL_ID);
  let online = false;
  const ids: string[] = [];
  for (const r of requested) {
    const base = r.endsWith(":online") ? r.slice(0, -":online".length) : r;
    if (base !== r) online = true;
    if (!getModel(base)) return sendJson(res, 400, errorBody(400, `${r} is not a valid model ID`));
    ids.push(base);
  }
  const webPlugin = (chat.plugins ?? []).find((p) => p.id === "web" && p.enabled !== false);
  const autoPlugin = (chat.plugins ?? []).find((p) => p.id === "auto-router" && p.enabled !== false);

  const promptTokens = countPromptTokens(chat);
  const inputImages = countInputImages(chat);
  const tools = chat.tools ?? [];
  const toolNames = tools.flatMap((t) =>
    "function" in t && t.function && typeof t.function === "object" && "name" in t.function ? [String(t.function.name)] : [],
  );
  const needs: RouteNeeds = { tools: tools.length > 0, toolNames, images: inputImages > 0, params: requestedParams(chat) };
  const { candidates, firstRouteError } = routeCandidates(chat, ids, needs, promptTokens, autoPlugin);
  if (candidates.length === 0) {
    const err = firstRouteError ?? { status: 404, body: errorBody(404, "No endpoints found.") };
    return sendJson(res, err.status, err.body);
  }

  // The affordability pre-check (affordability.ts): before any provider, no generation id.
  const refusal = affordabilityRefusal(state, keyHash, chat, candidates[0].endpoints[0], promptTokens);
  if (refusal) return sendJson(res, 402, refusal);

  const scriptedStatus = scriptedStatusFor(state, d, keyHash, chat);
  // A request rejected before routing (400/401/402) gets no generation id.
  if (d && scriptedStatus !== null && (scriptedStatus === 400 || scriptedStatus === 401 || scriptedStatus === 402)) {
    const { body, headers } = scriptedErrorBody(d, scriptedStatus, candidates[0].model, candidates[0].endpoints[0], promptText, keyHash);
    return sendJson(res, scriptedStatus, body, headers);
  }

  // From here on the request has a generation id.
  const genId = `gen-${Math.floor(Date.now() / 1000)}-${randomId(20)}`;
  entry.generationId = genId;
  const record = newRecord(state, genId, keyHash, chat, req, candidates[0].model, candidates[0].router);
  const providerResponses: ProviderResponseData[] = [];

  if (d && scriptedStatus !== null) {
    const model = candidates[0].model;
    const endpoint = candidates[0].endpoints[0];
    const { body, headers } = scriptedErrorBody(d, scriptedStatus, model, endpoint, promptText, keyHash);
    // Timeouts, rate limits and provider errors happened at a provider; moderation (403) and 503 before one.
    if (scriptedStatus === 408 || scriptedStatus === 429 || scriptedStatus === 502) {
      record.data.provider_name = endpoint.providerName;
      record.data.provider_responses = [providerResponse(model, endpoint, scriptedStatus, performance.now() - startedAt)];
    }
    return finishError(state, res, record, scriptedStatus, body, startedAt, headers);
  }

  // Scripted fallback: the first model (all its providers), or the first provider, fails.
  let chosen = candidates[0];
  let endpoint = chosen.endpoints[0];
  if (d?.name === "fallback") {
    const failedAt = performance.now();
    if (candidates.length > 1) {
      for (const e of chosen.endpoints) providerResponses.push(providerResponse(chosen.model, e, 502, failedAt - startedAt));
      chosen = candidates[1];
      endpoint = chosen.endpoints[0];
    } else if (chosen.allowFallbacks && chosen.endpoints.length > 1) {
      providerResponses.push(providerResponse(chosen.model, endpoint, 502, failedAt - startedAt));
      endpoint = chosen.endpoints[1];
    } else {
      providerResponses.push(providerResponse(chosen.model, endpoint, 502, failedAt - startedAt));
      record.data.provider_responses = providerResponses;
      record.data.provider_name = endpoint.providerName;
      const raw = JSON.stringify({ error: { message: "upstream connect error or disconnect/reset before headers", type: "server_error" } });
      return finishError(
        state,
        res,
        record,
        502,
        errorBody(502, "Provider returned error", { provider_name: endpoint.providerName, raw }),
        startedAt,
        {},
      );
    }
  }

  const plan = buildPlan({
    req: chat,
    directive: d,
    promptText,
    model: chosen.model,
    endpoint,
    promptTokens,
    defaultRate: state.defaultRate,
    webSearch: {
      enabled: online || webPlugin !== undefined,
      maxResults: webPlugin?.max_results ?? WEB_PLUGIN_DEFAULT_RESULTS,
      engine: webPlugin?.engine,
    },
    streamShape: state.opts.streamShape ?? null,
  });

  record.data.model = chosen.model.servedModel;
  record.data.router = chosen.router;
  record.data.provider_name = endpoint.providerName;

  // The provider refuses reasoning sent back altered, or a tool loop continued without its thinking (reasoning.ts).
  const refused = checkReplayedReasoning(chat, chosen.model, endpoint, plan.reasoning.length > 0);
  if (refused) {
    record.data.provider_responses = [...providerResponses, providerResponse(chosen.model, endpoint, refused.status, performance.now() - startedAt)];
    return finishError(state, res, record, refused.status, refused.body, startedAt, {});
  }
  const ctx: GenContext = {
    record,
    req: chat,
    model: chosen.model,
    endpoint,
    router: chosen.router,
    plan,
    promptTokens,
    inputImages,
    mediaParts: countMediaParts(chat),
    startedAt,
    created: Math.floor(Date.now() / 1000),
    providerResponses,
    upstreamId: `chatcmpl-${randomId(29)}`,
  };
  if (chat.stream === true) new StreamRun(state, ctx, res).start();
  else new JsonRun(state, ctx, res).start();
}
