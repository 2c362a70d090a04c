/**
 * A faithful local OpenRouter: the subset of https://openrouter.ai/api/v1 that Switchboard uses,
 * reproduced over plain HTTP (node:http) so that tests and the offline demo talk to it exactly as
 * production talks to OpenRouter. See README.md next to this file for the endpoints, the scripted
 * behaviours (directives) and the token/cost rules.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  AUTO_MODEL_ID,
  CATALOG,
  type CatalogEndpoint,
  type CatalogModel,
  computeCostNano,
  type CostBreakdown,
  endpointsResponseJson,
  getModel,
  modelJson,
  nanoToUsd,
  type Parameter,
  WEB_PLUGIN_DEFAULT_RESULTS,
} from './catalog';
import { type Directive, intParam, numParam, parseDirective } from './directive';
import { buildPlan, DEFAULT_TOKENS_PER_SECOND, type Plan, type PlannedToolCall, randomId } from './plan';
import { type ChatRequest, contentText, parseChatRequest } from './request';
import { resolveAuto, type RouteNeeds, routeEndpoints } from './routing';
import { countInputImages, countMediaParts, countPromptTokens } from './tokenizer';
import type {
  GenerationData,
  GenerationRecord,
  LocalOpenRouter,
  LocalOpenRouterOptions,
  ProviderResponseData,
  RequestLogEntry,
} from './types';
import {
  annotationsDelta,
  type ChunkIdentity,
  chunkJson,
  contentDelta,
  errorBody,
  imagesDelta,
  KEEPALIVE_COMMENT,
  nativeFinishReason,
  reasoningDelta,
  sse,
  toolArgsDelta,
  toolStartDelta,
  usageJson,
} from './wire';

export type { GenerationRecord, LocalOpenRouter, LocalOpenRouterOptions, RequestLogEntry } from './types';

const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** The request log keeps the most recent entries only (a long-running demo must not grow without bound). */
const MAX_LOG_ENTRIES = 10_000;
/** Smallest pause between two writes of a paced stream; faster rates send several chunks per write. */
const MIN_TICK_MS = 15;
const API = '/api/v1';

type Json = Record<string, unknown>;

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function headerRecord(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted by the client'));
    });
  });
}

function lastUserText(req: ChatRequest): string {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const m = req.messages[i];
    if (m.role === 'user') return contentText(m.content);
  }
  return '';
}

/** Parameters present in a request, for `provider.require_parameters`. */
function requestedParams(req: ChatRequest): Parameter[] {
  const out: Parameter[] = [];
  const has = (v: unknown) => v !== undefined && v !== null;
  if (has(req.temperature)) out.push('temperature');
  if (has(req.top_p)) out.push('top_p');
  if (has(req.top_k)) out.push('top_k');
  if (has(req.frequency_penalty)) out.push('frequency_penalty');
  if (has(req.presence_penalty)) out.push('presence_penalty');
  if (has(req.repetition_penalty)) out.push('repetition_penalty');
  if (has(req.seed)) out.push('seed');
  if (has(req.stop)) out.push('stop');
  if (has(req.max_tokens) || has(req.max_completion_tokens)) out.push('max_tokens');
  if (has(req.response_format)) out.push('response_format');
  if (req.tools && req.tools.length > 0) out.push('tools');
  if (has(req.tool_choice)) out.push('tool_choice');
  if (has(req.reasoning) || has(req.reasoning_effort)) out.push('reasoning');
  return out;
}

// ---------------------------------------------------------------------------------------------
// A running generation
// ---------------------------------------------------------------------------------------------

type Step =
  | { t: 'reasoning'; text: string }
  | { t: 'content'; text: string }
  | { t: 'tool-start'; index: number; call: PlannedToolCall }
  | { t: 'tool-args'; index: number; text: string }
  | { t: 'images' }
  | { t: 'annotations' }
  | { t: 'stall' }
  | { t: 'failure' };

function stepTokens(s: Step): number {
  switch (s.t) {
    case 'reasoning':
    case 'content':
    case 'tool-args':
      return 1;
    case 'tool-start':
      return s.call.nameTokens;
    default:
      return 0;
  }
}

function buildSteps(plan: Plan): Step[] {
  const steps: Step[] = [];
  for (const text of plan.reasoning) steps.push({ t: 'reasoning', text });
  for (const text of plan.content) steps.push({ t: 'content', text });
  if (plan.images.length > 0) steps.push({ t: 'images' });
  if (plan.annotations.length > 0) steps.push({ t: 'annotations' });
  plan.toolCalls.forEach((call, index) => {
    steps.push({ t: 'tool-start', index, call });
    for (const text of call.argPieces) steps.push({ t: 'tool-args', index, text });
  });
  const marker: Step | null = plan.failure ? { t: 'failure' } : plan.stall ? { t: 'stall' } : null;
  if (marker) {
    const after = plan.failure ? plan.failure.afterTokens : (plan.stall?.afterTokens ?? 0);
    let pos = steps.length;
    if (after <= 0) pos = 0;
    else {
      let acc = 0;
      for (let i = 0; i < steps.length; i++) {
        acc += stepTokens(steps[i]);
        if (acc >= after) {
          pos = i + 1;
          break;
        }
      }
    }
    steps.splice(pos, 0, marker);
  }
  return steps;
}

interface GenContext {
  record: GenerationRecord;
  req: ChatRequest;
  model: CatalogModel;
  endpoint: CatalogEndpoint;
  router: string | null;
  plan: Plan;
  promptTokens: number;
  inputImages: number;
  mediaParts: number;
  /** performance.now() when the request arrived. */
  startedAt: number;
  created: number;
  providerResponses: ProviderResponseData[];
  upstreamId: string;
}

interface Counts {
  completion: number;
  reasoning: number;
  imagesOut: number;
  /** performance.now() of the first token, if any. */
  firstTokenAt: number | null;
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

class LocalServer {
  readonly log: RequestLogEntry[] = [];
  readonly generations = new Map<string, GenerationRecord>();
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly intervals = new Set<NodeJS.Timeout>();
  private readonly runs = new Set<{ shutdown(): void }>();
  private readonly errorCounters = new Map<string, number>();
  private readonly defaultRate: number;
  private closed = false;

  constructor(private readonly opts: LocalOpenRouterOptions) {
    this.defaultRate = opts.tokensPerSecond ?? DEFAULT_TOKENS_PER_SECOND;
    this.server = http.createServer((req, res) => {
      this.onRequest(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.sendJson(res, 500, errorBody(500, `Internal Server Error: ${err instanceof Error ? err.message : String(err)}`));
        else res.destroy();
      });
    });
    // Longer than any client pool keeps an idle socket, so a client never reuses one the server is closing (ECONNRESET).
    this.server.keepAliveTimeout = 75_000;
    this.server.headersTimeout = 80_000;
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const run of [...this.runs]) run.shutdown();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const t of this.intervals) clearInterval(t);
    this.intervals.clear();
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await done;
  }

  // ---- timers that close() can always clear

  schedule(fn: () => void, ms: number): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, Math.max(0, ms));
    this.timers.add(t);
    return t;
  }

  cancel(t: NodeJS.Timeout | null): void {
    if (!t) return;
    clearTimeout(t);
    this.timers.delete(t);
  }

  every(fn: () => void, ms: number): NodeJS.Timeout {
    const t = setInterval(fn, ms);
    this.intervals.add(t);
    return t;
  }

  stopEvery(t: NodeJS.Timeout | null): void {
    if (!t) return;
    clearInterval(t);
    this.intervals.delete(t);
  }

  addRun(run: { shutdown(): void }): void {
    this.runs.add(run);
  }

  removeRun(run: { shutdown(): void }): void {
    this.runs.delete(run);
  }

  // ---- HTTP plumbing

  sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = (req.method ?? 'GET').toUpperCase();
    const control = path.startsWith('/__');
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLarge) return this.sendJson(res, 413, errorBody(413, 'Request payload too large'), { connection: 'close' });
      throw err;
    }
    let body: unknown = null;
    let bodyIsJson = false;
    if (raw.length > 0) {
      const text = raw.toString('utf8');
      try {
        body = JSON.parse(text);
        bodyIsJson = true;
      } catch {
        body = text;
      }
    }
    let entry: RequestLogEntry | null = null;
    if (!control) {
      const e: RequestLogEntry = { at: new Date().toISOString(), method, path: url.pathname + url.search, headers: headerRecord(req), body };
      entry = e;
      this.log.push(e);
      if (this.log.length > MAX_LOG_ENTRIES) this.log.splice(0, this.log.length - MAX_LOG_ENTRIES);
      res.on('close', () => {
        e.status = res.statusCode;
        if (!res.writableEnded && !droppedByServer.has(res) && !this.closed) {
          e.closedByClient = true;
          e.closedAt = new Date().toISOString();
        }
      });
    }

    if (control) return this.handleControl(method, path, res);
    if (method === 'POST' && path === `${API}/chat/completions`) return this.handleChat(req, res, body, bodyIsJson, entry);
    if (method === 'GET' && path === `${API}/models`) return this.handleModels(url, res);
    const ep = /^\/api\/v1\/models\/([^/]+)\/([^/]+)\/endpoints$/.exec(path);
    if (method === 'GET' && ep) return this.handleEndpoints(decodeURIComponent(ep[1]), decodeURIComponent(ep[2]), res);
    if (method === 'GET' && path === `${API}/generation`) return this.handleGeneration(req, url, res);
    if (method === 'GET' && path === `${API}/key`) return this.handleKey(req, res);
    this.sendJson(res, 404, errorBody(404, 'Not Found'));
  }

  private handleControl(method: string, path: string, res: http.ServerResponse): void {
    if (path === '/__log' && method === 'GET') return this.sendJson(res, 200, this.log);
    if (path === '/__log' && method === 'DELETE') {
      this.log.length = 0;
      res.writeHead(204);
      res.end();
      return;
    }
    if (path === '/__generations' && method === 'GET') {
      return this.sendJson(
        res,
        200,
        [...this.generations.values()].map((g) => ({
          id: g.id,
          state: g.state,
          outcome: g.outcome,
          cost_nano: g.costNano.toString(),
          available_at: g.availableAtMs === null ? null : new Date(g.availableAtMs).toISOString(),
          data: g.data,
        })),
      );
    }
    if (path === '/__health' && method === 'GET') return this.sendJson(res, 200, { ok: true });
    this.sendJson(res, 404, errorBody(404, 'Not Found'));
  }

  /** Returns the key hash, or sends 401 and returns null. */
  private authenticate(req: http.IncomingMessage, res: http.ServerResponse): string | null {
    const h = req.headers.authorization;
    if (!h) {
      this.sendJson(res, 401, errorBody(401, 'Missing Authentication header'));
      return null;
    }
    const m = /^Bearer\s+(.+)$/i.exec(h.trim());
    const key = m?.[1]?.trim() ?? '';
    if (!key || (this.opts.apiKey !== undefined && key !== this.opts.apiKey)) {
      this.sendJson(res, 401, errorBody(401, 'User not found.'));
      return null;
    }
    return sha256(key).slice(0, 16);
  }

  // ---- /models, /models/{author}/{slug}/endpoints

  private handleModels(url: URL, res: http.ServerResponse): void {
    const q = url.searchParams;
    let list = [...CATALOG];
    const outMods = (q.get('output_modalities') ?? 'text').split(',').map((s) => s.trim()).filter(Boolean);
    if (!outMods.includes('all')) list = list.filter((m) => outMods.some((o) => (m.architecture.output_modalities as string[]).includes(o)));
    const inMods = (q.get('input_modalities') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (inMods.length > 0) list = list.filter((m) => inMods.every((i) => (m.architecture.input_modalities as string[]).includes(i)));
    const params = (q.get('supported_parameters') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (params.length > 0) list = list.filter((m) => params.every((p) => (m.supportedParameters as string[]).includes(p)));
    const total = list.length;
    let next: string | null = null;
    if (q.has('offset') || q.has('limit')) {
      const offset = Math.max(0, Number(q.get('offset') ?? 0) || 0);
      const limit = Math.min(1000, Math.max(1, Number(q.get('limit') ?? 500) || 500));
      if (offset + limit < total) {
        const n = new URLSearchParams(q);
        n.set('offset', String(offset + limit));
        n.set('limit', String(limit));
        next = `${API}/models?${n.toString()}`;
      }
      list = list.slice(offset, offset + limit);
    }
    this.sendJson(res, 200, { data: list.map(modelJson), total_count: total, links: { next } });
  }

  private handleEndpoints(author: string, slug: string, res: http.ServerResponse): void {
    const m = getModel(`${author}/${slug}`);
    if (!m) return this.sendJson(res, 404, errorBody(404, `Model ${author}/${slug} not found`));
    this.sendJson(res, 200, endpointsResponseJson(m));
  }

  // ---- /generation, /key

  private handleGeneration(req: http.IncomingMessage, url: URL, res: http.ServerResponse): void {
    if (this.authenticate(req, res) === null) return;
    const id = url.searchParams.get('id') ?? '';
    if (!id) return this.sendJson(res, 400, errorBody(400, 'Missing required query parameter: id'));
    const g = this.generations.get(id);
    if (!g || g.state !== 'done' || g.availableAtMs === null || Date.now() < g.availableAtMs) {
      return this.sendJson(res, 404, errorBody(404, `Generation ${id} not found`));
    }
    this.sendJson(res, 200, { data: g.data });
  }

  private keyUsage(keyHash: string): { total: bigint; day: bigint; week: bigint; month: bigint } {
    const now = new Date();
    const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const weekStart = dayStart - ((now.getUTCDay() + 6) % 7) * 86_400_000;
    const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    const sums = { total: 0n, day: 0n, week: 0n, month: 0n };
    for (const g of this.generations.values()) {
      if (g.keyHash !== keyHash || g.state !== 'done') continue;
      sums.total += g.costNano;
      if (g.createdAtMs >= dayStart) sums.day += g.costNano;
      if (g.createdAtMs >= weekStart) sums.week += g.costNano;
      if (g.createdAtMs >= monthStart) sums.month += g.costNano;
    }
    return sums;
  }

  private handleKey(req: http.IncomingMessage, res: http.ServerResponse): void {
    const keyHash = this.authenticate(req, res);
    if (keyHash === null) return;
    const u = this.keyUsage(keyHash);
    const limit = this.opts.keyLimitUsd ?? null;
    this.sendJson(res, 200, {
      data: {
        label: `sk-or-v1-${keyHash.slice(0, 3)}...${keyHash.slice(-3)}`,
        limit,
        limit_remaining: limit === null ? null : Math.max(0, limit - nanoToUsd(u.total)),
        limit_reset: null,
        usage: nanoToUsd(u.total),
        usage_daily: nanoToUsd(u.day),
        usage_weekly: nanoToUsd(u.week),
        usage_monthly: nanoToUsd(u.month),
        byok_usage: 0,
        byok_usage_daily: 0,
        byok_usage_weekly: 0,
        byok_usage_monthly: 0,
        include_byok_in_limit: false,
        is_free_tier: false,
        is_management_key: false,
        is_provisioning_key: false,
        creator_user_id: `user_${keyHash.slice(0, 24)}`,
        expires_at: null,
        rate_limit: { requests: -1, interval: '10s', note: 'This field is deprecated and safe to ignore.' },
      },
    });
  }

  // ---- /chat/completions

  private async handleChat(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: unknown,
    bodyIsJson: boolean,
    entry: RequestLogEntry | null,
  ): Promise<void> {
    const startedAt = performance.now();
    const keyHash = this.authenticate(req, res);
    if (keyHash === null) return;
    if (!bodyIsJson) return this.sendJson(res, 400, errorBody(400, 'Invalid JSON in request body'));
    const parsed = parseChatRequest(body);
    if (!parsed.ok) return this.sendJson(res, 400, errorBody(400, parsed.message));
    const chat = parsed.value;

    if (this.opts.keyLimitUsd != null && nanoToUsd(this.keyUsage(keyHash).total) >= this.opts.keyLimitUsd) {
      return this.sendJson(res, 402, errorBody(402, 'Key limit exceeded (total limit). Manage it using https://openrouter.ai/settings/keys'));
    }

    const userText = lastUserText(chat);
    const d = parseDirective(userText);
    const promptText = d ? userText.replace(d.source, '').trim() : userText;

    // Models to try: `model` then the `models` fallback list. A `:online` suffix turns on web search.
    const requested = Array.from(new Set([...(chat.model ? [chat.model] : []), ...(chat.models ?? [])]));
    if (requested.length === 0) requested.push(AUTO_MODEL_ID);
    let online = false;
    const ids: string[] = [];
    for (const r of requested) {
      const base = r.endsWith(':online') ? r.slice(0, -':online'.length) : r;
      if (base !== r) online = true;
      if (!getModel(base)) return this.sendJson(res, 400, errorBody(400, `${r} is not a valid model ID`));
      ids.push(base);
    }
    const webPlugin = (chat.plugins ?? []).find((p) => p.id === 'web' && p.enabled !== false);
    const autoPlugin = (chat.plugins ?? []).find((p) => p.id === 'auto-router' && p.enabled !== false);

    const promptTokens = countPromptTokens(chat);
    const inputImages = countInputImages(chat);
    const needs: RouteNeeds = {
      tools: (chat.tools ?? []).length > 0,
      images: inputImages > 0,
      params: requestedParams(chat),
    };
    const maxOut = chat.max_tokens ?? chat.max_completion_tokens ?? 0;

    // Route each model; keep the ones that can serve.
    const candidates: { model: CatalogModel; endpoints: CatalogEndpoint[]; allowFallbacks: boolean; router: string | null }[] = [];
    let firstRouteError: { status: number; message: string } | null = null;
    for (const id of ids) {
      let model = getModel(id) as CatalogModel;
      let router: string | null = null;
      let route: ReturnType<typeof routeEndpoints>;
      if (model.id === AUTO_MODEL_ID) {
        const auto = resolveAuto(chat.provider, needs, autoPlugin);
        if ('error' in auto) {
          firstRouteError ??= { status: 404, message: auto.error };
          continue;
        }
        model = auto.model;
        router = AUTO_MODEL_ID;
        route = auto.route;
      } else {
        route = routeEndpoints(model, chat.provider, needs);
      }
      if (!route.ok) {
        firstRouteError ??= { status: route.status, message: route.message };
        continue;
      }
      const fits = route.endpoints.filter((e) => promptTokens + maxOut <= e.contextLength);
      if (fits.length === 0) {
        const e = route.endpoints[0];
        firstRouteError ??= {
          status: 400,
          message: `This endpoint's maximum context length is ${e.contextLength} tokens. However, you requested about ${promptTokens + maxOut} tokens (${promptTokens} of text input, ${maxOut} in the output). Please reduce the length of either one, or use the "middle-out" transform to compress your prompt automatically.`,
        };
        continue;
      }
      candidates.push({ model, endpoints: fits, allowFallbacks: route.allowFallbacks, router });
    }
    if (candidates.length === 0) {
      const err = firstRouteError ?? { status: 404, message: 'No endpoints found.' };
      return this.sendJson(res, err.status, errorBody(err.status, err.message));
    }

    // Scripted pre-stream error (`times=n`: only the first n identical requests fail).
    let scriptedStatus: number | null = null;
    if (d?.name === 'error') {
      const times = intParam(d, 'times', Number.MAX_SAFE_INTEGER, 0);
      const counterKey = sha256(`${keyHash}\n${JSON.stringify(chat.model)}\n${JSON.stringify(chat.messages)}`);
      const seen = this.errorCounters.get(counterKey) ?? 0;
      if (seen < times) {
        this.errorCounters.set(counterKey, seen + 1);
        scriptedStatus = intParam(d, 'status', 502, 400, 599);
      }
    }
    // A request rejected before routing (400/401/402) gets no generation id.
    if (d && scriptedStatus !== null && (scriptedStatus === 400 || scriptedStatus === 401 || scriptedStatus === 402)) {
      const { body, headers } = this.scriptedErrorBody(d, scriptedStatus, candidates[0].model, candidates[0].endpoints[0], promptText);
      return this.sendJson(res, scriptedStatus, body, headers);
    }

    // From here on the request has a generation id.
    const genId = `gen-${Math.floor(Date.now() / 1000)}-${randomId(20)}`;
    if (entry) entry.generationId = genId;
    const record = this.newRecord(genId, keyHash, chat, req, candidates[0].model, candidates[0].router);
    const providerResponses: ProviderResponseData[] = [];
    const streamed = chat.stream === true;

    if (d && scriptedStatus !== null) {
      const model = candidates[0].model;
      const endpoint = candidates[0].endpoints[0];
      const { body, headers } = this.scriptedErrorBody(d, scriptedStatus, model, endpoint, promptText);
      // Timeouts, rate limits and provider errors happened at a provider; moderation (403) and 503 before one.
      if (scriptedStatus === 408 || scriptedStatus === 429 || scriptedStatus === 502) {
        record.data.provider_name = endpoint.providerName;
        record.data.provider_responses = [this.providerResponse(model, endpoint, scriptedStatus, performance.now() - startedAt)];
      }
      return this.finishError(res, record, scriptedStatus, body, startedAt, headers);
    }

    // Scripted fallback: the first model (all its providers), or the first provider, fails.
    let chosen = candidates[0];
    let endpoint = chosen.endpoints[0];
    if (d?.name === 'fallback') {
      const failedAt = performance.now();
      if (candidates.length > 1) {
        for (const e of chosen.endpoints) providerResponses.push(this.providerResponse(chosen.model, e, 502, failedAt - startedAt));
        chosen = candidates[1];
        endpoint = chosen.endpoints[0];
      } else if (chosen.allowFallbacks && chosen.endpoints.length > 1) {
        providerResponses.push(this.providerResponse(chosen.model, endpoint, 502, failedAt - startedAt));
        endpoint = chosen.endpoints[1];
      } else {
        providerResponses.push(this.providerResponse(chosen.model, endpoint, 502, failedAt - startedAt));
        record.data.provider_responses = providerResponses;
        record.data.provider_name = endpoint.providerName;
        const raw = JSON.stringify({ error: { message: 'upstream connect error or disconnect/reset before headers', type: 'server_error' } });
        return this.finishError(res, record, 502, errorBody(502, 'Provider returned error', { provider_name: endpoint.providerName, raw }), startedAt, {});
      }
    }

    const plan = buildPlan({
      req: chat,
      directive: d,
      promptText,
      model: chosen.model,
      endpoint,
      promptTokens,
      defaultRate: this.defaultRate,
      webSearch: {
        enabled: online || webPlugin !== undefined,
        maxResults: webPlugin?.max_results ?? WEB_PLUGIN_DEFAULT_RESULTS,
        engine: webPlugin?.engine,
      },
    });

    record.data.model = chosen.model.id;
    record.data.router = chosen.router;
    record.data.provider_name = endpoint.providerName;
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
    if (streamed) new StreamRun(this, ctx, res).start();
    else new JsonRun(this, ctx, res).start();
  }

  private newRecord(id: string, keyHash: string, chat: ChatRequest, req: http.IncomingMessage, model: CatalogModel, router: string | null): GenerationRecord {
    const referer = typeof req.headers['http-referer'] === 'string' ? req.headers['http-referer'] : null;
    const ua = typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null;
    const sessionHeader = req.headers['x-session-id'];
    const now = Date.now();
    const data: GenerationData = {
      id,
      upstream_id: null,
      total_cost: 0,
      cache_discount: null,
      upstream_inference_cost: null,
      created_at: new Date(now).toISOString(),
      model: model.id,
      app_id: null,
      streamed: chat.stream === true,
      cancelled: false,
      provider_name: null,
      latency: null,
      moderation_latency: null,
      generation_time: null,
      finish_reason: null,
      native_finish_reason: null,
      service_tier: null,
      tokens_prompt: 0,
      tokens_completion: 0,
      native_tokens_prompt: 0,
      native_tokens_completion: 0,
      native_tokens_completion_images: 0,
      native_tokens_reasoning: 0,
      native_tokens_cached: 0,
      num_media_prompt: 0,
      num_input_audio_prompt: 0,
      num_media_completion: 0,
      num_search_results: 0,
      num_fetches: 0,
      web_search_engine: null,
      origin: referer ?? '',
      usage: 0,
      is_byok: false,
      external_user: chat.user ?? null,
      api_type: 'completions',
      preset_id: null,
      router,
      provider_responses: null,
      user_agent: ua,
      http_referer: referer,
      data_region: 'global',
      workspace_id: null,
      request_id: `req-${Math.floor(now / 1000)}-${randomId(20)}`,
      session_id: chat.session_id ?? (typeof sessionHeader === 'string' ? sessionHeader : null),
      response_cache_source_id: null,
    };
    const record: GenerationRecord = { id, keyHash, state: 'running', createdAtMs: now, availableAtMs: null, costNano: 0n, upstreamNano: 0n, outcome: null, data };
    this.generations.set(id, record);
    return record;
  }

  providerResponse(model: CatalogModel, e: CatalogEndpoint, status: number, latencyMs: number): ProviderResponseData {
    return {
      id: `chatcmpl-${randomId(29)}`,
      endpoint_id: sha256(`${model.id}|${e.tag}`).slice(0, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
      model_permaslug: model.canonicalSlug,
      provider_name: e.providerName,
      status,
      latency: Math.round(latencyMs),
      is_byok: false,
    };
  }

  /** Ends a record that failed before any token, with zero cost. */
  finishError(res: http.ServerResponse, record: GenerationRecord, status: number, body: Json, startedAt: number, headers: Record<string, string>): void {
    const elapsed = Math.round(performance.now() - startedAt);
    record.data.finish_reason = 'error';
    record.data.native_finish_reason = 'error';
    record.data.latency = elapsed;
    record.data.generation_time = 0;
    this.completeRecord(record, 'error');
    this.sendJson(res, status, body, { 'x-generation-id': record.id, ...headers });
  }

  private scriptedErrorBody(
    d: Directive,
    status: number,
    model: CatalogModel,
    endpoint: CatalogEndpoint,
    promptText: string,
  ): { body: Json; headers: Record<string, string> } {
    const retry = numParam(d, 'retry', 1, 0, 3600);
    const provider = endpoint.providerName;
    const headers: Record<string, string> = {};
    const msg = d.params.message;
    let body: Json;
    switch (status) {
      case 400:
        body = errorBody(400, msg ?? 'Invalid request parameters');
        break;
      case 401:
        body = errorBody(401, msg ?? 'User not found.');
        break;
      case 402:
        body = errorBody(402, msg ?? 'Insufficient credits. Add more using https://openrouter.ai/credits');
        break;
      case 403: {
        const reason = d.params.reason ?? 'harassment';
        const flagged = promptText.length > 100 ? `${promptText.slice(0, 100)}...` : promptText;
        body = errorBody(403, msg ?? `${model.name} requires moderation on ${provider}. Your input was flagged for "${reason}". No credits were charged.`, {
          reasons: [reason],
          flagged_input: flagged,
          provider_name: provider,
          model_slug: model.id,
        });
        break;
      }
      case 408:
        body = errorBody(408, msg ?? 'Operation timed out. Please try again later.');
        break;
      case 429:
        headers['retry-after'] = String(retry);
        body = model.id.endsWith(':free')
          ? errorBody(429, msg ?? 'Rate limit exceeded: free-models-per-min. ', {
              headers: { 'X-RateLimit-Limit': '20', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(Date.now() + retry * 1000) },
            })
          : errorBody(429, msg ?? 'Provider returned error', {
              provider_name: provider,
              raw: `${model.id} is temporarily rate-limited upstream. Please retry shortly, or add your own key to accumulate your rate limits: https://openrouter.ai/settings/integrations`,
            });
        break;
      case 502:
        body = errorBody(502, msg ?? 'Provider returned error', {
          provider_name: provider,
          raw: JSON.stringify({ error: { message: 'upstream connect error or disconnect/reset before headers', type: 'server_error', code: 502 } }),
        });
        break;
      case 503:
        body = errorBody(503, msg ?? 'No instances available for this model. Please try again later.');
        break;
      default:
        body = errorBody(status, msg ?? (status >= 500 ? 'Internal Server Error' : 'Request failed'));
    }
    return { body, headers };
  }

  /** Exact cost of what a generation produced so far. */
  costOf(ctx: GenContext, counts: Counts): CostBreakdown {
    return computeCostNano(ctx.endpoint.pricing, {
      promptTokens: ctx.promptTokens,
      completionTokens: counts.completion,
      reasoningTokens: counts.reasoning,
      cachedTokens: ctx.plan.cachedTokens,
      inputImages: ctx.inputImages,
      outputImages: counts.imagesOut,
      webSearch: ctx.plan.webSearch,
    });
  }

  usageOf(ctx: GenContext, counts: Counts): Json {
    return usageJson(
      {
        promptTokens: ctx.promptTokens,
        completionTokens: counts.completion,
        reasoningTokens: counts.reasoning,
        cachedTokens: ctx.plan.cachedTokens,
        webSearchRequests: ctx.plan.webSearch ? 1 : 0,
      },
      this.costOf(ctx, counts),
      ctx.endpoint.pricing,
    );
  }

  /** Fills in and publishes the generation record of a request that produced tokens (or tried to). */
  finalize(ctx: GenContext, outcome: NonNullable<GenerationRecord['outcome']>, counts: Counts, finishReason: string | null): void {
    const rec = ctx.record;
    if (rec.state === 'done') return;
    const cost = this.costOf(ctx, counts);
    const now = performance.now();
    const d = rec.data;
    rec.costNano = cost.totalNano;
    rec.upstreamNano = cost.upstreamNano;
    d.total_cost = nanoToUsd(cost.totalNano);
    d.usage = d.total_cost;
    d.upstream_inference_cost = nanoToUsd(cost.upstreamNano);
    d.cache_discount = ctx.plan.cachedTokens > 0 ? nanoToUsd(cost.cacheDiscountNano) : null;
    d.upstream_id = ctx.upstreamId;
    d.provider_name = ctx.endpoint.providerName;
    d.model = ctx.model.id;
    d.router = ctx.router;
    d.cancelled = outcome === 'cancelled';
    d.finish_reason = finishReason;
    d.native_finish_reason = nativeFinishReason(ctx.endpoint.providerName, finishReason);
    d.latency = Math.round((counts.firstTokenAt ?? now) - ctx.startedAt);
    d.generation_time = Math.round(now - (counts.firstTokenAt ?? now));
    d.tokens_prompt = ctx.promptTokens;
    d.tokens_completion = counts.completion;
    d.native_tokens_prompt = ctx.promptTokens;
    d.native_tokens_completion = counts.completion;
    d.native_tokens_reasoning = counts.reasoning;
    d.native_tokens_cached = ctx.plan.cachedTokens;
    d.native_tokens_completion_images = 0;
    d.num_media_prompt = ctx.mediaParts;
    d.num_media_completion = counts.imagesOut;
    d.num_search_results = ctx.plan.numSearchResults;
    d.web_search_engine = ctx.plan.webSearch ? ctx.plan.webSearch.engine : null;
    d.provider_responses = [
      ...ctx.providerResponses,
      { ...this.providerResponse(ctx.model, ctx.endpoint, outcome === 'error' ? 502 : 200, (counts.firstTokenAt ?? now) - ctx.startedAt), id: ctx.upstreamId },
    ];
    this.completeRecord(rec, outcome);
  }

  private completeRecord(rec: GenerationRecord, outcome: NonNullable<GenerationRecord['outcome']>): void {
    rec.outcome = outcome;
    rec.state = 'done';
    rec.availableAtMs = Date.now() + (this.opts.generationDelayMs ?? 0);
  }

  chunkIdentity(ctx: GenContext): ChunkIdentity {
    return { id: ctx.record.id, provider: ctx.endpoint.providerName, model: ctx.model.id, created: ctx.created };
  }
}

/** Responses the server destroyed on purpose (`drop`, shutdown): not "closed by the client". */
const droppedByServer = new WeakSet<http.ServerResponse>();

// ---------------------------------------------------------------------------------------------
// Streaming (SSE)
// ---------------------------------------------------------------------------------------------

class StreamRun {
  private readonly steps: Step[];
  private idx = 0;
  private due = 0;
  private readonly counts: Counts = { completion: 0, reasoning: 0, imagesOut: 0, firstTokenAt: null };
  private timer: NodeJS.Timeout | null = null;
  private keepAlive: NodeJS.Timeout | null = null;
  private done = false;
  private readonly idt: ChunkIdentity;

  constructor(
    private readonly server: LocalServer,
    private readonly ctx: GenContext,
    private readonly res: http.ServerResponse,
  ) {
    this.steps = buildSteps(ctx.plan);
    this.idt = server.chunkIdentity(ctx);
  }

  start(): void {
    this.server.addRun(this);
    this.res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-generation-id': this.ctx.record.id,
    });
    this.res.flushHeaders();
    this.res.on('close', () => {
      if (!this.done) this.stop('cancelled');
    });
    if (!this.res.socket || this.res.socket.destroyed) {
      this.stop('cancelled');
      return;
    }
    const delay = this.ctx.plan.firstTokenDelayMs;
    this.due = performance.now() + delay;
    if (delay > 0) {
      this.startKeepAlive();
      this.timer = this.server.schedule(() => this.tick(), delay);
    } else {
      this.tick();
    }
  }

  shutdown(): void {
    if (this.done) return;
    droppedByServer.add(this.res);
    this.stop('dropped');
    this.res.destroy();
  }

  private startKeepAlive(): void {
    this.server.stopEvery(this.keepAlive);
    this.keepAlive = this.server.every(() => {
      if (!this.done) this.res.write(KEEPALIVE_COMMENT);
    }, this.ctx.plan.keepAliveMs);
  }

  private stopKeepAlive(): void {
    this.server.stopEvery(this.keepAlive);
    this.keepAlive = null;
  }

  private cleanup(): void {
    this.done = true;
    this.server.cancel(this.timer);
    this.timer = null;
    this.stopKeepAlive();
    this.server.removeRun(this);
  }

  private stop(outcome: 'cancelled' | 'dropped'): void {
    if (this.done) return;
    this.cleanup();
    this.server.finalize(this.ctx, outcome, this.counts, null);
  }

  private chunk(delta: Record<string, unknown>, finish: string | null = null, extra?: Record<string, unknown>): string {
    return sse(chunkJson(this.idt, delta, finish, extra));
  }

  private tick(): void {
    this.timer = null;
    if (this.done) return;
    this.stopKeepAlive();
    const plan = this.ctx.plan;
    const now = performance.now();
    const perToken = plan.rate > 0 ? 1000 / plan.rate : 0;
    let out = '';
    while (this.idx < this.steps.length) {
      const s = this.steps[this.idx];
      const tokens = stepTokens(s);
      if (tokens > 0 && perToken > 0 && now < this.due) break;
      this.idx++;
      switch (s.t) {
        case 'reasoning':
          if (plan.reasoningVisible) out += this.chunk(reasoningDelta(s.text, this.ctx.model.reasoningFormat));
          this.counts.reasoning++;
          break;
        case 'content':
          out += this.chunk(contentDelta(s.text));
          break;
        case 'tool-start':
          out += this.chunk(toolStartDelta(s.index, s.call));
          break;
        case 'tool-args':
          out += this.chunk(toolArgsDelta(s.index, s.text));
          break;
        case 'images':
          out += this.chunk(imagesDelta(plan.images));
          this.counts.imagesOut += plan.images.length;
          break;
        case 'annotations':
          out += this.chunk(annotationsDelta(plan.annotations));
          break;
        case 'stall': {
          if (out) this.res.write(out);
          this.startKeepAlive();
          this.timer = this.server.schedule(() => {
            this.due = performance.now();
            this.tick();
          }, plan.stall?.ms ?? 0);
          return;
        }
        case 'failure': {
          const f = plan.failure;
          if (!f) break;
          if (f.kind === 'malformed') {
            out += `data: {"id":"${this.idt.id}","object":"chat.completion.chunk","created":${this.idt.created},"choices":[{"index":0,"delta":{"content":"\\u00\n\n`;
            if (f.then === 'close') {
              this.cleanup();
              this.res.end(out);
              this.server.finalize(this.ctx, 'error', this.counts, 'error');
              return;
            }
            break;
          }
          if (f.kind === 'midstream-error') {
            out += this.chunk(contentDelta(''), 'error', {
              error: { code: 502, message: f.message, metadata: { error_type: 'provider_unavailable', provider_name: this.ctx.endpoint.providerName } },
            });
            this.cleanup();
            this.res.end(out);
            this.server.finalize(this.ctx, 'error', this.counts, 'error');
            return;
          }
          // drop: what was produced reaches the socket, then the connection dies without [DONE] or usage.
          this.cleanup();
          droppedByServer.add(this.res);
          this.server.finalize(this.ctx, 'dropped', this.counts, null);
          if (out) this.res.write(out, () => this.res.destroy());
          else this.res.destroy();
          return;
        }
      }
      if (tokens > 0) {
        this.counts.completion += tokens;
        this.counts.firstTokenAt ??= now;
        if (perToken > 0) this.due += tokens * perToken;
      }
    }
    if (this.idx < this.steps.length) {
      if (out) this.res.write(out);
      this.timer = this.server.schedule(() => this.tick(), Math.max(MIN_TICK_MS, this.due - now));
      return;
    }
    // Finished: finish_reason chunk, usage chunk, [DONE].
    out += this.chunk(contentDelta(''), plan.finishReason);
    out += this.chunk(contentDelta(''), null, { usage: this.server.usageOf(this.ctx, this.counts) });
    out += 'data: [DONE]\n\n';
    this.cleanup();
    this.res.end(out);
    this.server.finalize(this.ctx, 'completed', this.counts, plan.finishReason);
  }
}

// ---------------------------------------------------------------------------------------------
// Non-streaming (one JSON body)
// ---------------------------------------------------------------------------------------------

class JsonRun {
  private timer: NodeJS.Timeout | null = null;
  private done = false;
  private readonly begin = performance.now();
  private readonly perToken: number;
  private readonly total: number;

  constructor(
    private readonly server: LocalServer,
    private readonly ctx: GenContext,
    private readonly res: http.ServerResponse,
  ) {
    const plan = ctx.plan;
    this.perToken = plan.rate > 0 ? 1000 / plan.rate : 0;
    this.total = plan.reasoning.length + plan.content.length + plan.toolCalls.reduce((n, t) => n + t.nameTokens + t.argPieces.length, 0);
  }

  /** Counts after `n` tokens were generated (reasoning first, then the rest). */
  private countsAfter(n: number): Counts {
    const plan = this.ctx.plan;
    const completion = Math.max(0, Math.min(n, this.total));
    return {
      completion,
      reasoning: Math.min(plan.reasoning.length, completion),
      imagesOut: completion >= this.total ? plan.images.length : 0,
      firstTokenAt: completion > 0 ? this.begin + plan.firstTokenDelayMs : null,
    };
  }

  start(): void {
    this.server.addRun(this);
    const plan = this.ctx.plan;
    const onClose = () => {
      if (this.done) return;
      const elapsed = performance.now() - this.begin - plan.firstTokenDelayMs;
      const n = this.perToken > 0 ? Math.floor(Math.max(0, elapsed) / this.perToken) : this.total;
      this.finish();
      this.server.finalize(this.ctx, 'cancelled', this.countsAfter(n), null);
    };
    this.res.on('close', onClose);
    if (!this.res.socket || this.res.socket.destroyed) return onClose();
    const f = plan.failure;
    const tokensUntil = f ? Math.min(f.afterTokens, this.total) : this.total;
    const stallMs = plan.stall ? plan.stall.ms : 0;
    const wait = plan.firstTokenDelayMs + tokensUntil * this.perToken + stallMs;
    this.timer = this.server.schedule(() => this.respond(), wait);
  }

  shutdown(): void {
    if (this.done) return;
    this.finish();
    droppedByServer.add(this.res);
    this.server.finalize(this.ctx, 'dropped', this.countsAfter(0), null);
    this.res.destroy();
  }

  private finish(): void {
    this.done = true;
    this.server.cancel(this.timer);
    this.timer = null;
    this.server.removeRun(this);
  }

  private respond(): void {
    this.timer = null;
    if (this.done) return;
    this.finish();
    const { ctx, res } = this;
    const plan = ctx.plan;
    const f = plan.failure;
    const headers = { 'x-generation-id': ctx.record.id };
    if (f?.kind === 'midstream-error') {
      const counts = this.countsAfter(f.afterTokens);
      this.server.finalize(ctx, 'error', counts, 'error');
      return this.server.sendJson(res, 502, errorBody(502, f.message, { provider_name: ctx.endpoint.providerName, error_type: 'provider_unavailable' }), headers);
    }
    if (f?.kind === 'drop') {
      droppedByServer.add(res);
      this.server.finalize(ctx, 'dropped', this.countsAfter(f.afterTokens), null);
      res.destroy();
      return;
    }
    const counts = this.countsAfter(this.total);
    const text = plan.content.join('');
    const message: Record<string, unknown> = { role: 'assistant', content: text, refusal: null, reasoning: null };
    if (plan.reasoning.length > 0 && plan.reasoningVisible) {
      const r = plan.reasoning.join('');
      message.reasoning = r;
      message.reasoning_details = [{ type: 'reasoning.text', text: r, format: ctx.model.reasoningFormat, index: 0 }];
    }
    if (plan.toolCalls.length > 0) {
      message.tool_calls = plan.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.argPieces.join('') } }));
    }
    if (plan.images.length > 0) message.images = plan.images.map((url) => ({ type: 'image_url', image_url: { url } }));
    if (plan.annotations.length > 0) message.annotations = plan.annotations;
    const body = {
      id: ctx.record.id,
      provider: ctx.endpoint.providerName,
      model: ctx.model.id,
      object: 'chat.completion',
      created: ctx.created,
      choices: [
        {
          index: 0,
          finish_reason: plan.finishReason,
          native_finish_reason: nativeFinishReason(ctx.endpoint.providerName, plan.finishReason),
          message,
        },
      ],
      system_fingerprint: null,
      usage: this.server.usageOf(ctx, counts),
    };
    this.server.finalize(ctx, 'completed', counts, plan.finishReason);
    if (f?.kind === 'malformed') {
      const text = JSON.stringify(body);
      res.writeHead(200, { 'content-type': 'application/json', ...headers });
      res.end(text.slice(0, Math.floor(text.length / 2)));
      return;
    }
    this.server.sendJson(res, 200, body, headers);
  }
}

// ---------------------------------------------------------------------------------------------

/** Starts a local OpenRouter on `host:port` (port 0 = a free one). */
export async function startLocalOpenRouter(opts: LocalOpenRouterOptions = {}): Promise<LocalOpenRouter> {
  const host = opts.host ?? '127.0.0.1';
  const s = new LocalServer(opts);
  const port = await s.listen(opts.port ?? 0, host);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  return {
    url,
    baseURL: `${url}${API}`,
    port,
    log: s.log,
    generations: s.generations,
    close: () => s.close(),
  };
}
