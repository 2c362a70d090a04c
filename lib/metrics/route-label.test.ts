// The `route` label of the request counter: each API route's own pattern, and one "other" for any
// path that is no route, so invented paths cannot grow the number of series.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { metrics, observeRequest, routeLabel } from "./index";

/** Every route handler under app/api, as its URL pattern (`[id]` → `:id`), catch-alls left out. */
function apiRoutePatterns(dir = path.resolve(__dirname, "../../app/api"), prefix = "/api"): string[] {
  const patterns: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (name === "route.ts") patterns.push(prefix);
    else if (statSync(full).isDirectory() && !name.startsWith("[...")) {
      patterns.push(...apiRoutePatterns(full, `${prefix}/${name.replace(/^\[(.+)\]$/, ":$1")}`));
    }
  }
  return patterns;
}

describe("routeLabel", () => {
  it("names every API route by its pattern, whatever its ids are", () => {
    const patterns = apiRoutePatterns();
    expect(patterns.length).toBeGreaterThan(20);
    for (const pattern of patterns) {
      expect(routeLabel(pattern), pattern).toBe(pattern);
      const concrete = pattern.replace(/:[a-z]+/g, () => `Zx${Math.random().toString(36).slice(2, 12)}`);
      expect(routeLabel(concrete), concrete).toBe(pattern);
      expect(routeLabel(`${concrete}/`), `${concrete}/`).toBe(pattern);
    }
    expect(routeLabel("/api/models/openai/gpt-4o-mini/endpoints")).toBe("/api/models/:author/:slug/endpoints");
    expect(routeLabel("/api/auth/callback/credentials")).toBe("/api/auth/*");
    expect(routeLabel("/api/auth/register")).toBe("/api/auth/register");
  });

  it("puts every path that is no route under one label", () => {
    for (const pathname of [
      "/",
      "/api",
      "/api/nothing",
      "/api/chat/abc/def/ghi",
      "/api/conversations//export",
      "/api/spend/whatever-you-like",
      "/wp-login.php",
      `/api/${"x".repeat(500)}`,
      "/api/chat/../../etc/passwd",
    ]) {
      expect(routeLabel(pathname), pathname).toBe("other");
    }
  });

  it("a thousand invented paths and methods add at most one series per status", async () => {
    const counter = metrics().requests;
    const seriesBefore = (await counter.get()).values.length;
    for (let i = 0; i < 1000; i++) {
      const request = new Request(`http://app.test/api/probe-${i}/${i.toString(36)}`, { method: i % 2 ? "GET" : "PROPFIND" });
      observeRequest(request, 404);
    }
    const values = (await counter.get()).values;
    const added = values.length - seriesBefore;
    expect(added).toBeLessThanOrEqual(2);
    const labels = values.filter((v) => v.labels.status === "404").map((v) => v.labels);
    expect(labels).toEqual(
      expect.arrayContaining([
        { route: "other", method: "GET", status: "404" },
        { route: "other", method: "OTHER", status: "404" },
      ]),
    );
  });
});
