import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./schema";

describe("configuration", () => {
  it("starts with zero configuration", () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.SWITCHBOARD_DATA_DIR).toBe("./data");
    expect(env.OPENROUTER_API_KEY).toBeUndefined();
    // Safe for an instance exposed by accident: invitation only, a budget, few sign-ups per address.
    expect(env.SWITCHBOARD_REGISTRATION).toBe("closed");
    expect(env.SWITCHBOARD_DEFAULT_USER_BUDGET_USD).toBe(5_000_000_000n);
    expect(env.SWITCHBOARD_REGISTRATIONS_PER_HOUR).toBe(5);
  });

  it("reads the default budget as exact USD, or `none` for no limit", () => {
    expect(parseEnv({ SWITCHBOARD_DEFAULT_USER_BUDGET_USD: "12.50" }).SWITCHBOARD_DEFAULT_USER_BUDGET_USD).toBe(12_500_000_000n);
    expect(parseEnv({ SWITCHBOARD_DEFAULT_USER_BUDGET_USD: "0" }).SWITCHBOARD_DEFAULT_USER_BUDGET_USD).toBe(0n);
    expect(parseEnv({ SWITCHBOARD_DEFAULT_USER_BUDGET_USD: "None" }).SWITCHBOARD_DEFAULT_USER_BUDGET_USD).toBeNull();
  });

  it.each([
    ["PORT", { PORT: "not-a-port" }],
    ["DATABASE_URL", { DATABASE_URL: "mysql://x" }],
    ["OPENROUTER_BASE_URL", { OPENROUTER_BASE_URL: "nope" }],
    ["SWITCHBOARD_REGISTRATION", { SWITCHBOARD_REGISTRATION: "maybe" }],
    ["SWITCHBOARD_DEFAULT_USER_BUDGET_USD", { SWITCHBOARD_DEFAULT_USER_BUDGET_USD: "-5" }],
    ["SWITCHBOARD_DEFAULT_USER_BUDGET_USD", { SWITCHBOARD_DEFAULT_USER_BUDGET_USD: "unlimited" }],
    ["SWITCHBOARD_REGISTRATIONS_PER_HOUR", { SWITCHBOARD_REGISTRATIONS_PER_HOUR: "0" }],
    ["AUTH_SECRET", { AUTH_SECRET: "short" }],
    ["REDIS_URL", { REDIS_URL: "http://x" }],
  ])("an invalid %s is named in the error", (variable, raw) => {
    const error = (() => {
      try {
        parseEnv(raw);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).issues.map((i) => i.variable)).toEqual([variable]);
    expect((error as EnvError).message).toContain(variable);
  });

  it("the start script refuses to start on an invalid value and names it", () => {
    const root = path.resolve(import.meta.dirname, "..", "..");
    const run = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/start.ts"], {
      cwd: root,
      env: { ...process.env, PORT: "70000" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("PORT");
  });
});

describe("empty values", () => {
  it("treats VAR= as unset, as in a copied .env.example", () => {
    const env = parseEnv({ OPENROUTER_BASE_URL: "", PORT: "", DATABASE_URL: " ", SWITCHBOARD_REGISTRATION: "" });
    expect(env.OPENROUTER_BASE_URL).toBe("https://openrouter.ai/api/v1");
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
  });
});
