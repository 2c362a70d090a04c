import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";

/**
 * What the first visitor of a new instance (its admin-to-be) should know before anyone else
 * finds the address: who else can register, and what other accounts may spend.
 */
export function FirstRunNote({ registration, defaultBudget }: { registration: "open" | "closed"; defaultBudget: string | null }) {
  return (
    <Alert className="mt-4" data-testid="first-run-note" role="note" aria-label="Before you start">
      <AlertTitle>Before you start</AlertTitle>
      <AlertDescription className="space-y-2">
        {registration === "closed" ? (
          <p data-testid="first-run-registration">
            Registration closes after this account: others get an account only when you create one for them. To let anyone who can reach this address
            register, set <code>SWITCHBOARD_REGISTRATION=open</code>.
          </p>
        ) : (
          <p data-testid="first-run-registration">
            Registration is open (<code>SWITCHBOARD_REGISTRATION=open</code>): anyone who can reach this address can create an account and spend your
            OpenRouter credit. Unset it to close registration after this account.
          </p>
        )}
        {defaultBudget === null ? (
          <p data-testid="first-run-budget">
            Accounts have no monthly budget (<code>SWITCHBOARD_DEFAULT_USER_BUDGET_USD=none</code>). Set one on the administration page.
          </p>
        ) : (
          <p data-testid="first-run-budget">
            Every account, yours included, may spend {defaultBudget} a month unless you give it its own budget. Change or remove this default on the
            administration page, or with <code>SWITCHBOARD_DEFAULT_USER_BUDGET_USD</code> (<code>none</code>: no limit).
          </p>
        )}
      </AlertDescription>
    </Alert>
  );
}
