/**
 * `GET /api/v1/key` (and its older path `/api/v1/auth/key`): the calling key's limit and its usage,
 * summed exactly from its generations. `GET /api/v1/credits`: what the real service answers an
 * ordinary (inference) key.
 */
import type http from "node:http";
import { nanoToUsd } from "../cost";
import { authenticate, sendJson } from "../http";
import { keyUsage } from "../records";
import type { ServerState } from "../state";

export function handleKey(state: ServerState, req: http.IncomingMessage, res: http.ServerResponse): void {
  const keyHash = authenticate(req, res, state.opts.apiKey);
  if (keyHash === null) return;
  const u = keyUsage(state, keyHash);
  // An unlimited key has `limit: null` and `limit_remaining: null` (key-auth-key-data.json).
  const limit = state.opts.keyLimitUsd ?? null;
  sendJson(res, 200, {
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
      // The 2025 recording has `{requests, interval}` (key-auth-key-data.json); the spec adds the
      // deprecation note and says `requests` is always -1 now.
      rate_limit: { requests: -1, interval: "10s", note: "This field is deprecated and safe to ignore." },
    },
  });
}

/**
 * Every key here is an ordinary inference key, and the real service answers such a key HTTP 200 with
 * zeros, whatever the account holds (credits-inference-key-http-200-zeros.json, openchamber/openchamber#3411;
 * the spec's 403 "Only management keys can perform this operation" is for other cases). So a client
 * cannot read a balance from this: it is not a "no credits" answer.
 */
export function handleCredits(state: ServerState, req: http.IncomingMessage, res: http.ServerResponse): void {
  if (authenticate(req, res, state.opts.apiKey) === null) return;
  sendJson(res, 200, { data: { total_credits: 0, total_usage: 0 } });
}
