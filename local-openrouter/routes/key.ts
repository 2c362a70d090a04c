/** `GET /api/v1/key`: the calling key's limit and its usage, summed exactly from its generations. */
import type http from "node:http";
import { nanoToUsd } from "../cost";
import { authenticate, sendJson } from "../http";
import { keyUsage } from "../records";
import type { ServerState } from "../state";

export function handleKey(state: ServerState, req: http.IncomingMessage, res: http.ServerResponse): void {
  const keyHash = authenticate(req, res, state.opts.apiKey);
  if (keyHash === null) return;
  const u = keyUsage(state, keyHash);
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
      rate_limit: { requests: -1, interval: "10s", note: "This field is deprecated and safe to ignore." },
    },
  });
}
