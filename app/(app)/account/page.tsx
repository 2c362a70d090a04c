import type { Metadata } from "next";
import { Download } from "lucide-react";
import { ApiKeysCard } from "@/components/account/api-keys-card";
import { McpServersCard } from "@/components/mcp/mcp-servers-card";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getApiAccessEnabled } from "@/lib/api-keys/access";
import { listApiKeys } from "@/lib/api-keys/keys";
import { requireUser } from "@/lib/auth";
import { getEnv } from "@/lib/env";
import { ImportForm } from "./import-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requireUser();
  const [keys, apiAccessEnabled] = await Promise.all([listApiKeys(user.id), getApiAccessEnabled()]);
  return (
    <div className="min-h-0 flex-1 overflow-y-auto" data-testid="account-page">
      <div className="mx-auto flex w-full max-w-2xl flex-col gap-6 p-6">
        <h1 className="text-2xl font-semibold tracking-tight">Account</h1>
        <Card>
          <CardHeader>
            <CardTitle>Profile</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-[6rem_1fr] gap-y-2 text-sm">
              <dt className="text-muted-foreground">Name</dt>
              <dd data-testid="account-name">{user.name}</dd>
              <dt className="text-muted-foreground">Email</dt>
              <dd data-testid="account-email">{user.email}</dd>
            </dl>
          </CardContent>
        </Card>
        <ApiKeysCard initialKeys={keys} apiAccessEnabled={apiAccessEnabled} />
        {/* Users' own MCP servers, when the operator allows them. */}
        {getEnv().SWITCHBOARD_MCP_USER_SERVERS === "on" && <McpServersCard scope="own" />}
        <Card>
          <CardHeader>
            <CardTitle>Export your data</CardTitle>
            <CardDescription>
              Every conversation, with its messages, tool calls, models, token counts and costs, as one JSON file. Each conversation can also be
              exported on its own from its page.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <Button asChild variant="outline">
              {/* A plain link: the browser streams the download, however large the history. */}
              <a href="/api/account/export" download data-testid="export-all">
                <Download className="size-4" aria-hidden /> Export all conversations
              </a>
            </Button>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Import</CardTitle>
            <CardDescription>
              Restore conversations from a Switchboard export (of this account or another, from this server or another). They are added to your
              history as copies; nothing is replaced. Costs are kept as a record on each answer but do not count towards your spending.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <ImportForm />
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
