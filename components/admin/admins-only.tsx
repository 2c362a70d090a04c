import { ShieldAlert } from "lucide-react";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";

/** What a signed-in user who is not an administrator sees on an admin page. */
export function AdminsOnly() {
  return (
    <div className="mx-auto w-full max-w-xl p-6">
      <Alert variant="destructive" data-testid="admin-forbidden">
        <ShieldAlert aria-hidden />
        <AlertTitle>Only administrators can open this page</AlertTitle>
        <AlertDescription>Ask an administrator of this Switchboard if you need a budget changed or an account managed.</AlertDescription>
      </Alert>
    </div>
  );
}
