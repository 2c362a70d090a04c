import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { createAuthSession, createUser, findLiveSessionUser, revokeAuthSession } from "@/lib/db/users";
import { getDb } from "@/lib/db";

describe("users", () => {
  it("makes the first account admin and later ones users, even when they race", async () => {
    const created = await Promise.all(
      Array.from({ length: 5 }, (_, i) => createUser({ email: `race${i}@example.com`, name: `R${i}`, passwordHash: "x" })),
    );
    expect(created.filter((u) => u.role === "admin")).toHaveLength(1);
  });

  it("refuses a duplicate email (case-insensitively) with a conflict error", async () => {
    await createUser({ email: "dup@example.com", name: "D", passwordHash: "x" });
    const error = await createUser({ email: "DUP@example.com ", name: "D2", passwordHash: "x" }).catch((e) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("conflict:register");
    expect(await (await getDb()).user.count({ where: { email: "dup@example.com" } })).toBe(1);
  });

  it("a revoked session or a disabled account is no longer live", async () => {
    const user = await createUser({ email: "live@example.com", name: "L", passwordHash: "x" });
    const sid = await createAuthSession(user.id, 3600);
    expect(await findLiveSessionUser(sid, user.id)).toMatchObject({ id: user.id });
    expect(await findLiveSessionUser(sid, "someone-else")).toBeNull();
    await revokeAuthSession(sid);
    expect(await findLiveSessionUser(sid, user.id)).toBeNull();
    const sid2 = await createAuthSession(user.id, 3600);
    await (await getDb()).user.update({ where: { id: user.id }, data: { disabled: true } });
    expect(await findLiveSessionUser(sid2, user.id)).toBeNull();
  });
});
