"use client";

import { useCallback, useEffect, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { describeError } from "@/lib/errors";
import type { McpServerView } from "@/lib/mcp/types";

// MCP servers with their status, tools (each on or off, and whether it asks first) and last error,
// with refresh and delete, and a form to add one: the team's on the admin page, a user's own on
// the account page (when the operator allows them). Credentials are write-only: the page only
// ever learns whether a server has some.

async function request<T>(url: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { "content-type": "application/json", ...init.headers } });
  } catch {
    throw new Error("Could not reach the server. Check your connection and try again.");
  }
  const json: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new Error(describeError(json).message);
  return json as T;
}

type Scope = "team" | "own";

const BASES: Record<Scope, string> = { team: "/api/admin/mcp/servers", own: "/api/mcp/servers" };

export function McpServersCard({ scope }: { scope: Scope }) {
  const BASE = BASES[scope];
  const [servers, setServers] = useState<McpServerView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(() => {
    request<{ servers: McpServerView[] }>(BASE)
      .then((body) => setServers(body.servers))
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [BASE]);
  useEffect(load, [load]);

  const act = async (id: string, work: () => Promise<unknown>) => {
    setBusy(id);
    setError(null);
    try {
      await work();
      load();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card data-testid={scope === "team" ? "admin-mcp-servers" : "own-mcp-servers"}>
      <CardHeader>
        <CardTitle>{scope === "team" ? "MCP servers" : "Your MCP servers"}</CardTitle>
        <CardDescription>
          {scope === "team" ? (
            <>
              Tools from Model Context Protocol servers, for every tool-capable model. Servers on for everyone are offered in every conversation;
              opt-in ones where a conversation turns them on. Servers from the server&apos;s configuration (stdio included) are listed but edited
              there.
            </>
          ) : (
            <>
              Your own Model Context Protocol servers over HTTP: their tools are offered in your conversations only, and their credentials are kept on
              the server, never shown again and never usable by anyone else.
            </>
          )}
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {error && (
          <p role="alert" data-testid="admin-mcp-error" className="text-sm text-destructive">
            {error}
          </p>
        )}
        {servers === null ? (
          <p className="text-sm text-muted-foreground">Loading…</p>
        ) : servers.length === 0 ? (
          <p className="text-sm text-muted-foreground" data-testid="admin-mcp-empty">
            No MCP servers yet.
          </p>
        ) : (
          <ul className="grid gap-3">
            {servers.map((s) => (
              <li
                key={s.id}
                data-testid="admin-mcp-server"
                data-server={s.name}
                data-status={s.status}
                className="grid gap-1 rounded-lg border border-border p-3 text-sm"
              >
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{s.name}</span>
                  <Badge variant="secondary">{s.scope === "operator" ? "configuration" : s.scope === "own" ? "yours" : s.availability}</Badge>
                  <Badge variant={s.status === "error" ? "destructive" : "outline"} data-testid="admin-mcp-status">
                    {s.status === "ok" ? "reachable" : s.status === "error" ? "failing" : "not checked yet"}
                  </Badge>
                  {s.hasCredentials && <Badge variant="outline">credentials set</Badge>}
                  <span className="ml-auto flex gap-1">
                    <Button
                      type="button"
                      size="sm"
                      variant="outline"
                      disabled={busy === s.id}
                      data-testid="admin-mcp-refresh"
                      aria-label={`Refresh ${s.name}`}
                      onClick={() => void act(s.id, () => request(`${BASE}/${encodeURIComponent(s.id)}/refresh`, { method: "POST" }))}
                    >
                      Refresh
                    </Button>
                    {s.scope !== "operator" && (
                      <Button
                        type="button"
                        size="sm"
                        variant="ghost"
                        disabled={busy === s.id}
                        data-testid="admin-mcp-delete"
                        aria-label={`Delete ${s.name}`}
                        onClick={() => void act(s.id, () => request(`${BASE}/${encodeURIComponent(s.id)}`, { method: "DELETE" }))}
                      >
                        Delete
                      </Button>
                    )}
                  </span>
                </div>
                <span className="font-mono text-xs break-all text-muted-foreground">
                  {s.transport} · {s.url}
                </span>
                {s.lastError && (
                  <span data-testid="admin-mcp-last-error" className="text-xs text-destructive">
                    Last error: {s.lastError}
                  </span>
                )}
                {s.tools && (
                  <details>
                    <summary className="cursor-pointer text-xs text-muted-foreground" data-testid="admin-mcp-tools-count">
                      {s.tools.length} {s.tools.length === 1 ? "tool" : "tools"}
                      {s.toolsFetchedAt ? `, listed ${new Date(s.toolsFetchedAt).toLocaleString()}` : ""}
                    </summary>
                    <ul className="mt-1 grid gap-0.5" data-testid="admin-mcp-tools">
                      {s.tools.map((t) => {
                        const on = !s.enabledTools || s.enabledTools.includes(t.name);
                        const asks = s.approvalTools.includes(t.name);
                        const patch = (body: Partial<Pick<McpServerView, "enabledTools" | "approvalTools">>) =>
                          void act(s.id, () => request(`${BASE}/${encodeURIComponent(s.id)}`, { method: "PATCH", body: JSON.stringify(body) }));
                        return (
                          <li key={t.name} className="flex flex-wrap items-center gap-x-3 text-xs" data-testid="admin-mcp-tool" data-tool={t.name}>
                            <span className="font-mono">{t.name}</span>
                            <label className="inline-flex items-center gap-1">
                              <input
                                type="checkbox"
                                checked={on}
                                disabled={busy === s.id || s.scope === "operator"}
                                data-testid="admin-mcp-tool-on"
                                aria-label={`${t.name} on`}
                                onChange={() => {
                                  const current = s.enabledTools ?? s.tools!.map((x) => x.name);
                                  patch({ enabledTools: on ? current.filter((n) => n !== t.name) : [...current, t.name] });
                                }}
                              />
                              On
                            </label>
                            <label className="inline-flex items-center gap-1">
                              <input
                                type="checkbox"
                                checked={asks}
                                disabled={busy === s.id || s.scope === "operator"}
                                data-testid="admin-mcp-tool-approval"
                                aria-label={`${t.name} needs approval`}
                                onChange={() =>
                                  patch({ approvalTools: asks ? s.approvalTools.filter((n) => n !== t.name) : [...s.approvalTools, t.name] })
                                }
                              />
                              Ask first
                            </label>
                            {t.description && <span className="basis-full text-muted-foreground">{t.description}</span>}
                          </li>
                        );
                      })}
                    </ul>
                  </details>
                )}
              </li>
            ))}
          </ul>
        )}
        <AddServerForm base={BASE} team={scope === "team"} onAdded={load} />
      </CardContent>
    </Card>
  );
}

function AddServerForm({ base, team, onAdded }: { base: string; team: boolean; onAdded: () => void }) {
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [transport, setTransport] = useState<"streamable-http" | "sse">("streamable-http");
  const [token, setToken] = useState("");
  const [availability, setAvailability] = useState<"everyone" | "opt-in">("everyone");
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  return (
    <form
      data-testid="admin-mcp-add"
      aria-label="Add an MCP server"
      className="grid gap-2 rounded-lg border border-dashed border-border p-3 sm:grid-cols-2"
      onSubmit={(event) => {
        event.preventDefault();
        setSaving(true);
        setError(null);
        const body = { name, url, transport, ...(team ? { availability } : {}), ...(token ? { bearerToken: token } : {}) };
        request(base, { method: "POST", body: JSON.stringify(body) })
          .then(() => {
            setName("");
            setUrl("");
            setToken("");
            onAdded();
          })
          .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
          .finally(() => setSaving(false));
      }}
    >
      <div className="grid gap-1">
        <Label htmlFor="mcp-name">Name</Label>
        <Input id="mcp-name" data-testid="admin-mcp-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="files" required />
      </div>
      <div className="grid gap-1">
        <Label htmlFor="mcp-url">URL</Label>
        <Input
          id="mcp-url"
          data-testid="admin-mcp-url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="https://mcp.example.com/mcp"
          required
        />
      </div>
      <div className="grid gap-1">
        <Label htmlFor="mcp-transport">Transport</Label>
        <select
          id="mcp-transport"
          data-testid="admin-mcp-transport"
          className="h-9 rounded-md border border-input bg-background px-2 text-sm"
          value={transport}
          onChange={(e) => setTransport(e.target.value === "sse" ? "sse" : "streamable-http")}
        >
          <option value="streamable-http">Streamable HTTP</option>
          <option value="sse">SSE (older servers)</option>
        </select>
      </div>
      {team && (
        <div className="grid gap-1">
          <Label htmlFor="mcp-availability">Available</Label>
          <select
            id="mcp-availability"
            data-testid="admin-mcp-availability"
            className="h-9 rounded-md border border-input bg-background px-2 text-sm"
            value={availability}
            onChange={(e) => setAvailability(e.target.value === "opt-in" ? "opt-in" : "everyone")}
          >
            <option value="everyone">On for everyone</option>
            <option value="opt-in">Opt-in per conversation</option>
          </select>
        </div>
      )}
      <div className="grid gap-1 sm:col-span-2">
        <Label htmlFor="mcp-token">Bearer token (optional, never shown again)</Label>
        <Input
          id="mcp-token"
          data-testid="admin-mcp-token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
      </div>
      {error && (
        <p role="alert" data-testid="admin-mcp-add-error" className="text-sm text-destructive sm:col-span-2">
          {error}
        </p>
      )}
      <div className="sm:col-span-2">
        <Button type="submit" data-testid="admin-mcp-submit" disabled={saving}>
          Add server
        </Button>
      </div>
    </form>
  );
}
