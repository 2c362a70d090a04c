import "server-only";
import { route } from "@/lib/http";
import { openAiErrorResponse } from "./errors";

type Handler<C> = (request: Request, context: C) => Promise<Response>;

/**
 * A /api/v1 route: the app's route wrapper (request id, access log, metrics) with every error
 * answered in OpenAI's shape rather than the app's own.
 */
export function apiRoute<C>(handler: Handler<C>): Handler<C> {
  return route(async (request, context: C) => {
    try {
      return await handler(request, context);
    } catch (error) {
      return openAiErrorResponse(error);
    }
  });
}
