/**
 * Test controls, outside `/api/v1` and never logged: `GET`/`DELETE /__log` (the request log),
 * `GET /__generations` (every generation record) and `GET /__health`.
 */
import type http from "node:http";
import { sendJson } from "../http";
import type { ServerState } from "../state";
import { errorBody } from "../wire";

export function handleControl(state: ServerState, method: string, path: string, res: http.ServerResponse): void {
  if (path === "/__log" && method === "GET") return sendJson(res, 200, state.log);
  if (path === "/__log" && method === "DELETE") {
    state.log.length = 0;
    res.writeHead(204);
    res.end();
    return;
  }
  if (path === "/__generations" && method === "GET") {
    return sendJson(
      res,
      200,
      [...state.generations.values()].map((g) => ({
        id: g.id,
        state: g.state,
        outcome: g.outcome,
        cost_nano: g.costNano.toString(),
        available_at: g.availableAtMs === null ? null : new Date(g.availableAtMs).toISOString(),
        data: g.data,
      })),
    );
  }
  if (path === "/__health" && method === "GET") return sendJson(res, 200, { ok: true });
  sendJson(res, 404, errorBody(404, "Not Found"));
}
