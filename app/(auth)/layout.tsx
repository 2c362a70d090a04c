import { DemoBanner } from "@/components/shell/demo-banner";
import { isDemoMode } from "@/lib/env";

export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col">
      {isDemoMode() && <DemoBanner />}
      <main className="flex flex-1 items-center justify-center bg-muted/40 p-4">
        <div className="w-full max-w-sm">
          <div className="mb-6 text-center">
            <h1 className="text-2xl font-semibold tracking-tight">Switchboard</h1>
            <p className="text-sm text-muted-foreground">Every model on OpenRouter, one place, every cent accounted for.</p>
          </div>
          {children}
        </div>
      </main>
    </div>
  );
}
