import { describe, expect, it } from "vitest";
import { makeUser } from "@/tests/helpers/users";

// Read before anything reads the environment (getEnv caches it): this file proves the product's
// default budget, which the test setup turns off for every other in-process test.
process.env.SWITCHBOARD_DEFAULT_USER_BUDGET_USD = "7.25";

describe("the default monthly budget", () => {
  it("is the environment's until an admin chooses; the admin's choice, no limit included, then wins", async () => {
    const { budgetStatus } = await import("./service");
    const { forgetSpendSettingsCache, getDefaultBudgetSetting, setDefaultMonthlyBudget } = await import("./settings");
    const user = await makeUser("budgeted");

    forgetSpendSettingsCache();
    expect(await getDefaultBudgetSetting()).toEqual({ valueNano: 7_250_000_000n, source: "environment" });
    expect(await budgetStatus(user.id)).toMatchObject({ limitNano: 7_250_000_000n, adminBudgetIsDefault: true });

    await setDefaultMonthlyBudget(null);
    forgetSpendSettingsCache();
    expect(await getDefaultBudgetSetting()).toEqual({ valueNano: null, source: "admin" });
    expect(await budgetStatus(user.id)).toMatchObject({ limitNano: null, adminBudgetIsDefault: false });

    await setDefaultMonthlyBudget(2_000_000_000n);
    forgetSpendSettingsCache();
    expect(await budgetStatus(user.id)).toMatchObject({ limitNano: 2_000_000_000n, adminBudgetIsDefault: true });
  });

  it("holds a new user's messages to it: a worst case above it is refused", async () => {
    const { reserveBudget } = await import("./budget");
    const { getDb } = await import("@/lib/db");
    // The previous test left the admin's choice; start from a fresh instance's state.
    await (await getDb()).appSettings.deleteMany({});
    (await import("./settings")).forgetSpendSettingsCache();
    const user = await makeUser("newcomer");
    await expect(reserveBudget(user.id, 7_250_000_001n)).rejects.toMatchObject({ code: "budget_exceeded:spend" });
    expect((await reserveBudget(user.id, 7_250_000_000n)).reservationId).toEqual(expect.any(String));
  });
});
