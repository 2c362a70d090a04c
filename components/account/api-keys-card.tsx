"use client";

import { useState } from "react";
import { Ban } from "lucide-react";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { toast } from "@/components/ui/toaster";
import { revokeKey, type ApiKeyView } from "./api";
import { CreateKeyForm } from "./create-key-form";
import { KeyLogDialog } from "./key-log-dialog";
import { KeysTable } from "./keys-table";
import { NewKeyDialog } from "./new-key-dialog";
import { RevokeKeyDialog } from "./revoke-key-dialog";

/**
 * The account page's "API keys": create a key (its whole value shown once), see each key's prefix,
 * use and limits, read a logged key's requests, revoke. Says so when an admin has turned API access off.
 */
export function ApiKeysCard({ initialKeys, apiAccessEnabled }: { initialKeys: ApiKeyView[]; apiAccessEnabled: boolean }) {
  const [keys, setKeys] = useState(initialKeys);
  const [created, setCreated] = useState<{ key: string; apiKey: ApiKeyView } | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyView | null>(null);
  const [logOf, setLogOf] = useState<ApiKeyView | null>(null);

  const replace = (key: ApiKeyView) => setKeys((list) => list.map((k) => (k.id === key.id ? key : k)));

  return (
    <Card data-testid="api-keys-card">
      <CardHeader>
        <CardTitle>API keys</CardTitle>
        <CardDescription>
          Personal keys for Switchboard&apos;s OpenAI-compatible API, for scripts, notebooks and editors. Calls count against your budget and show in
          your spend like chat answers. Point a client&apos;s base URL at <code className="font-mono">/api/v1</code> on this server.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-6">
        {!apiAccessEnabled && (
          <Alert variant="warning" data-testid="api-access-off">
            <Ban aria-hidden />
            <AlertTitle>API access is turned off</AlertTitle>
            <AlertDescription>
              An administrator has turned off API access for everyone. Your keys are kept, but every call made with them is refused until it is turned
              on again.
            </AlertDescription>
          </Alert>
        )}
        <CreateKeyForm
          onCreated={(result) => {
            setKeys((list) => [result.apiKey, ...list]);
            setCreated(result);
          }}
        />
        <KeysTable keys={keys} onRevoke={setRevoking} onOpenLog={setLogOf} />
      </CardContent>
      <NewKeyDialog created={created} onClose={() => setCreated(null)} />
      <RevokeKeyDialog
        target={revoking}
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          if (!revoking) return;
          const { apiKey } = await revokeKey(revoking.id);
          replace(apiKey);
          setRevoking(null);
          toast({ title: `${apiKey.name} is revoked`, description: "It no longer works anywhere.", variant: "success" });
        }}
      />
      <KeyLogDialog apiKey={logOf} onClose={() => setLogOf(null)} />
    </Card>
  );
}
