"use client";

// What the browser holds of one conversation, how it starts from the page's data, and the
// selectors that read it (conversation-store.ts has the actions that change it).
import type { ChatStatus } from "ai";
import type { ChatRequest, ChatUIMessage, ConversationSettings, ConversationView } from "@/lib/chat/types";
import type { ErrorBody } from "@/lib/errors";
import type { ModelSummary } from "@/lib/openrouter/types";
import type { ComparisonState } from "@/components/compare/comparison";
import type { LoadedEngine, RequestBody } from "../engine/chat-engine";
import type { PrerenderedMarkdown } from "../markdown/prerender-key";
import { sumNano } from "../message/format";
import type { Alternatives } from "./alternatives";
import type { TitleState } from "./title";

/** Fetches the saved messages before a message (paging up), with their answers rendered. */
/** The page before a message, or the typed error the server refused it with. */
export type LoadEarlier = (
  conversationId: string,
  beforeMessageId: string,
) => Promise<{ messages: ChatUIMessage[]; earlierCount: number; prerendered: PrerenderedMarkdown; alternatives: Alternatives } | ErrorBody>;

export type ConversationInit = {
  initial: ConversationView;
  /** A conversation that does not exist yet (the "/" page). */
  isNew: boolean;
  defaultModel: string;
  prerendered: PrerenderedMarkdown;
  loadEarlier?: LoadEarlier;
};

export type ConversationState = TitleState &
  ComparisonState & {
    id: string;
    isNew: boolean;
    /** The conversation exists on the server (and the URL says /c/{id}). */
    created: boolean;
    model: string;
    settings: ConversationSettings;
    /** The model catalog, for which models reason. */
    catalog: ReadonlyMap<string, ModelSummary>;
    messages: ChatUIMessage[];
    /** The streaming engine, once its code is loaded (see ../engine/load-engine.ts). */
    engine: LoadedEngine | null;
    engineStatus: ChatStatus;
    engineError: Error | undefined;
    /** Actions waiting for the engine's code: shown as "submitted" so nothing is sent twice. */
    waiting: number;
    loadError: Error | undefined;
    /** Every answer of the turns that have several (regenerated, compared), by question id. */
    alternatives: Alternatives;
    /** Answers the user stopped in this page's life (saved ones carry status "partial"). */
    stoppedIds: ReadonlySet<string>;
    /** Costs of answers finished in this page's life whose cost the page did not know yet. */
    streamedCosts: ReadonlyMap<string, string>;
    savedCostNano: bigint;
    /** Saved messages before the first one shown, not loaded yet. */
    earlierCount: number;
    prerendered: PrerenderedMarkdown;
  };

export function selectStatus(state: ConversationState): ChatStatus {
  const status = state.engine ? state.engineStatus : "ready";
  const shown = status === "ready" && state.waiting > 0 ? "submitted" : status;
  return state.loadError && shown === "ready" ? "error" : shown;
}

export const selectError = (state: ConversationState): Error | undefined => state.engineError ?? state.loadError;

/** An answer is being requested or streamed (any compared column included). */
export function selectBusy(state: ConversationState): boolean {
  const status = selectStatus(state);
  return status === "submitted" || status === "streaming" || state.streamingColumns.size > 0;
}

export const selectTotalCostNano = (state: ConversationState): bigint => state.savedCostNano + sumNano(state.streamedCosts.values());

/** The model and settings a request made right now carries; a reasoning effort only for models that reason (or when the catalog cannot tell). */
export function requestBodyFor(state: ConversationState, model = state.model): RequestBody {
  const info = state.catalog.get(model);
  const { settings } = state;
  return {
    model,
    settings: {
      systemPrompt: settings.systemPrompt || null,
      temperature: settings.temperature ?? null,
      maxTokens: settings.maxTokens ?? null,
      topP: settings.topP ?? null,
      reasoningEffort: (info ? info.supportsReasoning : true) ? (settings.reasoningEffort ?? null) : null,
      routing: settings.routing ?? null,
      tools: settings.tools ?? null,
      alwaysAllowTools: settings.alwaysAllowTools ?? null,
    } satisfies NonNullable<ChatRequest["settings"]>,
  };
}

function parseNano(value: string | undefined): bigint {
  try {
    return value ? BigInt(value) : 0n;
  } catch {
    return 0n;
  }
}

/** The state a conversation starts in, from what the page loaded. */
export function initialState({ initial, isNew, defaultModel, prerendered }: ConversationInit): ConversationState {
  return {
    id: initial.id,
    isNew,
    created: !isNew,
    title: initial.title,
    titleFinal: false,
    model: initial.model || defaultModel,
    settings: initial.settings ?? {},
    catalog: new Map(),
    messages: initial.messages,
    engine: null,
    engineStatus: "ready",
    engineError: undefined,
    waiting: 0,
    loadError: undefined,
    alternatives: initial.alternatives ?? {},
    stoppedIds: new Set(),
    streamedCosts: new Map(),
    savedCostNano: parseNano(initial.totalCostNano),
    earlierCount: initial.earlierCount ?? 0,
    prerendered,
    streamingColumns: new Set(),
    compareError: null,
  };
}
