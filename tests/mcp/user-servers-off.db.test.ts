import { describe, expect, it, vi } from "vitest";
import { jsonRequest, sessionMock, signInAs } from "@/tests/helpers/routes";
import { makeUser } from "@/tests/helpers/users";

vi.mock("@/lib/auth", () => sessionMock());

// Users' own MCP servers are off unless the operator turns them on (SWITCHBOARD_MCP_USER_SERVERS).

describe("users' own MCP servers, turned off (the default)", () => {
  it("adding one is refused with 403 and nothing is written", async () => {
    delete process.env.SWITCHBOARD_MCP_USER_SERVERS;
    signInAs(await makeUser("off"));
    const { POST } = await import("@/app/api/mcp/servers/route");
    const response = await POST(jsonRequest("/api/mcp/servers", { name: "mine", url: "http://93.184.215.14/mcp" }), undefined);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("forbidden:mcp_user_servers");
    const { getDb } = await import("@/lib/db");
    expect(await (await getDb()).mcpServer.count()).toBe(0);
  });
});
