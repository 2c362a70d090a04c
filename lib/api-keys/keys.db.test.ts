import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { makeUser } from "@/tests/helpers/users";
import { forgetApiAccessCache, getApiAccessEnabled, setApiAccessEnabled } from "./access";
import { adminListApiKeys, adminRevokeApiKey, createApiKey, getApiKey, listApiKeys, revokeApiKey } from "./keys";
import { createApiKeyBodySchema } from "./schemas";
import { hashApiKey, looksLikeApiKey } from "./secret";

describe("personal API keys", () => {
  it("are stored as a hash of the whole key; the value exists only in the creation's answer", async () => {
    const user = await makeUser("keys");
    const { key, apiKey } = await createApiKey(user.id, { name: "notebook", monthlyCapUsd: "2.5", allowedModels: ["fast", "fast"] });
    expect(looksLikeApiKey(key)).toBe(true);
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    expect(apiKey).toMatchObject({ name: "notebook", monthlyCapNano: "2500000000", allowedModels: ["fast"], keepLog: false, revokedAt: null });

    const db = await getDb();
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(row.hash).toBe(hashApiKey(key));
    // Nothing stored or listed holds the key beyond its visible prefix.
    expect(JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))).not.toContain(key.slice(apiKey.prefix.length));
    expect(JSON.stringify(await listApiKeys(user.id))).not.toContain(key.slice(apiKey.prefix.length));
  });

  it("belong to their owner: someone else's key is not found and cannot be revoked", async () => {
    const owner = await makeUser("owner");
    const other = await makeUser("other");
    const { apiKey } = await createApiKey(owner.id, { name: "ci" });
    await expect(getApiKey(other.id, apiKey.id)).rejects.toMatchObject({ code: "not_found:api_key" });
    await expect(revokeApiKey(other.id, apiKey.id)).rejects.toBeInstanceOf(AppError);
    expect((await getApiKey(owner.id, apiKey.id)).revokedAt).toBeNull();
    expect(await listApiKeys(other.id)).toEqual([]);

    const revoked = await revokeApiKey(owner.id, apiKey.id);
    expect(revoked.revokedAt).not.toBeNull();
    // A second revocation keeps the first time.
    expect((await revokeApiKey(owner.id, apiKey.id)).revokedAt).toBe(revoked.revokedAt);
  });

  it("can be listed and revoked by an admin, with their owner", async () => {
    const owner = await makeUser("listed");
    const { apiKey } = await createApiKey(owner.id, { name: "editor" });
    expect((await adminListApiKeys()).find((k) => k.id === apiKey.id)).toMatchObject({ userId: owner.id, userEmail: owner.email });
    expect((await adminRevokeApiKey(apiKey.id)).revokedAt).not.toBeNull();
    await expect(adminRevokeApiKey("missing-key-id")).rejects.toMatchObject({ code: "not_found:api_key" });
  });

  it("refuse bodies that are not a key's settings", () => {
    for (const body of [
      {},
      { name: "" },
      { name: "x", monthlyCapUsd: "-1" },
      { name: "x", monthlyCapUsd: "1e3" },
      { name: "x", expiresAt: "2000-01-01T00:00:00Z" },
      { name: "x", allowedModels: ["<script>"] },
      { name: "x", hash: "0".repeat(64) },
    ]) {
      expect(createApiKeyBodySchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });
});

describe("API access for everyone", () => {
  it("is on until an admin turns it off", async () => {
    forgetApiAccessCache();
    expect(await getApiAccessEnabled()).toBe(true);
    await setApiAccessEnabled(false);
    forgetApiAccessCache();
    expect(await getApiAccessEnabled()).toBe(false);
    await setApiAccessEnabled(true);
    forgetApiAccessCache();
    expect(await getApiAccessEnabled()).toBe(true);
  });
});
