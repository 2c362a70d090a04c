// Reads an OpenRouter chat stream on the side while its bytes are relayed untouched: what the
// meter needs (the generation id, the served model and provider, the usage chunk, the finish)
// and, for a key that keeps a log, the assembled message. OpenRouter's streams carry
// `: OPENROUTER PROCESSING` comment lines at any time, put usage on a chunk of its own (with one
// empty choice or `choices: []`) or on the finish chunk, and may end with an in-band error chunk
// after HTTP 200 (tests/fixtures/openrouter-recorded/stream-*.sse). A line that is not JSON is
// skipped: the client gets it as it came, and the usage is then whatever else arrived.

export type AssembledToolCall = { id: string; type: "function"; function: { name: string; arguments: string } };

export type StreamSummary = {
  id: string | null;
  model: string | null;
  provider: string | null;
  content: string;
  reasoning: string;
  toolCalls: AssembledToolCall[];
  finishReason: string | null;
  usage: unknown;
  error: unknown;
  /** When the first content, reasoning or tool-call delta arrived (ms since epoch). */
  firstOutputAt: number | null;
  sawDone: boolean;
};

type ChunkChoice = {
  delta?: {
    content?: unknown;
    reasoning?: unknown;
    tool_calls?: { index?: unknown; id?: unknown; function?: { name?: unknown; arguments?: unknown } }[];
  };
  finish_reason?: unknown;
  error?: unknown;
};

type Chunk = { id?: unknown; model?: unknown; provider?: unknown; choices?: ChunkChoice[]; usage?: unknown; error?: unknown };

export class StreamReader {
  readonly summary: StreamSummary = {
    id: null,
    model: null,
    provider: null,
    content: "",
    reasoning: "",
    toolCalls: [],
    finishReason: null,
    usage: null,
    error: null,
    firstOutputAt: null,
    sawDone: false,
  };
  private readonly decoder = new TextDecoder();
  private pending = "";
  private readonly calls = new Map<number, AssembledToolCall>();

  /** Feeds bytes as they are relayed; returns the generation id once the first chunk names it. */
  push(bytes: Uint8Array): void {
    this.pending += this.decoder.decode(bytes, { stream: true });
    let newline = this.pending.indexOf("\n");
    while (newline !== -1) {
      this.line(this.pending.slice(0, newline).replace(/\r$/, ""));
      this.pending = this.pending.slice(newline + 1);
      newline = this.pending.indexOf("\n");
    }
  }

  /** The stream ended: a last line without its newline still counts. */
  end(): StreamSummary {
    this.pending += this.decoder.decode();
    if (this.pending) this.line(this.pending.replace(/\r$/, ""));
    this.pending = "";
    this.summary.toolCalls = [...this.calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
    return this.summary;
  }

  private line(line: string): void {
    if (!line.startsWith("data:")) return;
    const data = line.slice(5).trim();
    if (data === "[DONE]") {
      this.summary.sawDone = true;
      return;
    }
    let chunk: Chunk;
    try {
      chunk = JSON.parse(data) as Chunk;
    } catch {
      return;
    }
    if (!chunk || typeof chunk !== "object") return;
    const s = this.summary;
    if (typeof chunk.id === "string" && chunk.id && s.id === null) s.id = chunk.id;
    if (typeof chunk.model === "string" && chunk.model) s.model = chunk.model;
    if (typeof chunk.provider === "string" && chunk.provider) s.provider = chunk.provider;
    if (chunk.usage && typeof chunk.usage === "object") s.usage = chunk.usage;
    if (chunk.error) s.error = chunk.error;
    for (const choice of Array.isArray(chunk.choices) ? chunk.choices : []) this.choice(choice);
  }

  private choice(choice: ChunkChoice): void {
    const s = this.summary;
    const delta = choice.delta ?? {};
    if (typeof delta.content === "string" && delta.content) {
      s.content += delta.content;
      s.firstOutputAt ??= Date.now();
    }
    if (typeof delta.reasoning === "string" && delta.reasoning) {
      s.reasoning += delta.reasoning;
      s.firstOutputAt ??= Date.now();
    }
    for (const [position, call] of (Array.isArray(delta.tool_calls) ? delta.tool_calls : []).entries()) {
      s.firstOutputAt ??= Date.now();
      // Calls without an `index` are reported for some providers: their position stands in.
      const index = typeof call.index === "number" ? call.index : position;
      const held = this.calls.get(index) ?? { id: "", type: "function" as const, function: { name: "", arguments: "" } };
      if (typeof call.id === "string" && call.id) held.id = call.id;
      if (typeof call.function?.name === "string" && call.function.name) held.function.name = call.function.name;
      if (typeof call.function?.arguments === "string") held.function.arguments += call.function.arguments;
      this.calls.set(index, held);
    }
    if (typeof choice.finish_reason === "string" && choice.finish_reason) s.finishReason = choice.finish_reason;
    if (choice.error) s.error = choice.error;
  }
}

/** The assembled answer of a stream, in the shape of a non-streamed `chat.completion` (what a kept log stores). */
export function assembledCompletion(summary: StreamSummary): Record<string, unknown> {
  return {
    id: summary.id,
    object: "chat.completion",
    model: summary.model,
    provider: summary.provider,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: summary.content,
          ...(summary.reasoning ? { reasoning: summary.reasoning } : {}),
          ...(summary.toolCalls.length > 0 ? { tool_calls: summary.toolCalls } : {}),
        },
        finish_reason: summary.finishReason,
      },
    ],
    usage: summary.usage,
    ...(summary.error ? { error: summary.error } : {}),
  };
}
