// What a kept API call said, as plain text for its owner: the request's messages and the answer's
// text when their shapes are the familiar ones (OpenAI chat completions, embeddings), else the
// JSON itself. The page renders the result as text, never as HTML.

export type LogLine = { role: string; text: string };

function partText(part: unknown): string {
  if (typeof part === "string") return part;
  if (!part || typeof part !== "object") return "";
  const p = part as Record<string, unknown>;
  if (typeof p.text === "string") return p.text;
  if (p.type === "image_url") return "[image]";
  if (p.type === "file") return "[file]";
  if (p.type === "input_audio") return "[audio]";
  return JSON.stringify(part);
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map(partText).join("\n");
  if (content === null || content === undefined) return "";
  return JSON.stringify(content);
}

function toolCallsText(calls: unknown): string {
  if (!Array.isArray(calls)) return "";
  return calls
    .map((c) => {
      const fn = (c as { function?: { name?: unknown; arguments?: unknown } } | null)?.function;
      return fn && typeof fn.name === "string" ? `→ ${fn.name}(${typeof fn.arguments === "string" ? fn.arguments : ""})` : "";
    })
    .filter(Boolean)
    .join("\n");
}

function messageLine(message: unknown, fallbackRole: string): LogLine {
  const m = (message && typeof message === "object" ? message : {}) as Record<string, unknown>;
  const text = [contentText(m.content), toolCallsText(m.tool_calls)].filter(Boolean).join("\n");
  return { role: typeof m.role === "string" ? m.role : fallbackRole, text };
}

/** The request's messages (chat) or input (embeddings); the raw JSON for anything else. */
export function requestLines(request: unknown): LogLine[] {
  const r = (request && typeof request === "object" ? request : {}) as Record<string, unknown>;
  if (Array.isArray(r.messages)) return r.messages.map((m) => messageLine(m, "user"));
  if (r.input !== undefined) {
    const inputs = Array.isArray(r.input) ? r.input : [r.input];
    return inputs.map((i) => ({ role: "input", text: typeof i === "string" ? i : JSON.stringify(i) }));
  }
  return [{ role: "request", text: JSON.stringify(request, null, 2) }];
}

/** The answer: a completion's message(s), a stream's assembled message, a count of embeddings, an error, or the raw JSON. */
export function responseLines(response: unknown): LogLine[] {
  if (response === null || response === undefined) return [];
  if (typeof response === "string") return [{ role: "assistant", text: response }];
  const r = (typeof response === "object" ? response : {}) as Record<string, unknown>;
  if (Array.isArray(r.choices)) {
    return r.choices.map((c) => {
      const choice = (c && typeof c === "object" ? c : {}) as Record<string, unknown>;
      return messageLine(choice.message ?? choice.delta, "assistant");
    });
  }
  if ("content" in r || "tool_calls" in r) return [messageLine(r, "assistant")];
  if (Array.isArray(r.data) && r.object === "list")
    return [{ role: "embeddings", text: `${r.data.length} embedding${r.data.length === 1 ? "" : "s"}` }];
  if (r.error && typeof r.error === "object") {
    const message = (r.error as { message?: unknown }).message;
    return [{ role: "error", text: typeof message === "string" ? message : JSON.stringify(r.error) }];
  }
  return [{ role: "response", text: JSON.stringify(response, null, 2) }];
}

/** One entry's request and answer as the log shows them: "role: text" per message. */
export function entryText(entry: { request: unknown; response: unknown }): { request: string; response: string } {
  const join = (lines: LogLine[]) => lines.map((l) => `${l.role}: ${l.text}`).join("\n\n");
  return { request: join(requestLines(entry.request)), response: join(responseLines(entry.response)) };
}
