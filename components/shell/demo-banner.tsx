export function DemoBanner() {
  return (
    <div role="status" data-testid="demo-banner" className="border-b border-warning/40 bg-warning/15 px-4 py-2 text-center text-sm text-foreground">
      <strong>Demo mode:</strong> answers are simulated by a local OpenRouter stand-in. Set{" "}
      <code className="rounded bg-muted px-1 font-mono text-xs">OPENROUTER_API_KEY</code> and restart to talk to real models.
    </div>
  );
}
