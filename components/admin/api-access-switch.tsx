"use client";

import { useId, useState } from "react";
import { useRouter } from "next/navigation";
import { Label } from "@/components/ui/label";
import { Switch } from "@/components/ui/switch";
import { toast } from "@/components/ui/toaster";
import { adminRequest } from "./api";

/** "API access for everyone": off refuses every personal key at the API, without revoking any. */
export function ApiAccessSwitch({ enabled }: { enabled: boolean }) {
  const router = useRouter();
  const id = useId();
  const [value, setValue] = useState(enabled);
  const [busy, setBusy] = useState(false);
  return (
    <div className="flex items-center gap-3">
      <Switch
        id={id}
        checked={value}
        disabled={busy}
        data-testid="admin-api-access"
        onCheckedChange={async (checked) => {
          setBusy(true);
          try {
            const result = await adminRequest<{ enabled: boolean }>("/api/admin/api-access", "PUT", { enabled: checked });
            setValue(result.enabled);
            toast({
              title: result.enabled ? "API access is on" : "API access is off",
              description: result.enabled ? "Every valid key works again." : "Every key is refused until you turn it on; none was revoked.",
              variant: "success",
            });
            router.refresh();
          } catch (e) {
            toast({ title: "Could not change API access", description: (e as Error).message, variant: "destructive" });
          } finally {
            setBusy(false);
          }
        }}
      />
      <Label htmlFor={id}>API access for everyone</Label>
      <span className="text-sm text-muted-foreground" data-testid="admin-api-access-state">
        {value ? "on" : "off"}
      </span>
    </div>
  );
}
