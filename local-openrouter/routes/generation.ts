/** `GET /api/v1/generation?id=`: a finished generation's record, once `generationDelayMs` has passed. */
import type http from "node:http";
import { authenticate, sendJson } from "../http";
import type { ServerState } from "../state";
import { errorBody } from "../wire";

export function handleGeneration(state: ServerState, req: http.IncomingMessage, url: URL, res: http.ServerResponse): void {
  if (authenticate(req, res, state.opts.apiKey) === null) return;
  const id = url.searchParams.get("id") ?? "";
  if (!id) return sendJson(res, 400, errorBody(400, "Missing required query parameter: id"));
  const g = state.generations.get(id);
  if (!g || g.state !== "done" || g.availableAtMs === null || Date.now() < g.availableAtMs) {
    return sendJson(res, 404, errorBody(404, `Generation ${id} not found`));
  }
  sendJson(res, 200, { data: g.data });
}
