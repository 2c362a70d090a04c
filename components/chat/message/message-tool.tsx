"use client";

import { memo, useState } from "react";
import Link from "next/link";
import { ChevronDown, CircleAlert, CircleCheck, ShieldQuestion, Wrench } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Collapsible, CollapsibleContent, CollapsibleTrigger } from "@/components/ui/collapsible";
import { Spinner } from "@/components/ui/spinner";
import { cn } from "@/lib/utils";
import { McpContentView, mcpOutputOf } from "./mcp-content";

export type ToolState =
  "input-streaming" | "input-available" | "approval-requested" | "approval-responded" | "output-available" | "output-error" | "output-denied";

const stateLabels: Record<ToolState, string> = {
  "input-streaming": "Receiving arguments",
  "input-available": "Running",
  "approval-requested": "Waiting for approval",
  "approval-responded": "Running",
  "output-available": "Done",
  "output-error": "Failed",
  "output-denied": "Denied",
};

const toolTitles: Record<string, string> = {
  calculator: "Calculator",
  current_time: "Current time",
  search_conversations: "Search conversations",
};

export function toolTitle(name: string): string {
  // An MCP tool (`<server>__<tool>`): its own name, then its server's.
  const split = name.indexOf("__");
  if (split > 0) return `${name.slice(split + 2)} · ${name.slice(0, split)}`;
  return toolTitles[name] ?? name;
}

function formatToolDuration(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(1)} s`;
}

function pretty(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

type SearchResult = { conversationId: string; title: string; snippet: string };

function searchResults(name: string, output: unknown): SearchResult[] | null {
  if (name !== "search_conversations" || !output || typeof output !== "object") return null;
  const results = (output as { results?: unknown }).results;
  if (!Array.isArray(results)) return null;
  return results.filter((r): r is SearchResult => !!r && typeof r === "object" && typeof (r as SearchResult).conversationId === "string");
}

type MessageToolProps = {
  name: string;
  state: ToolState;
  input: unknown;
  output: unknown;
  errorText: string | undefined;
  /** How long the call ran, once the answer has ended. */
  durationMs?: number;
  /** The call waits for the user's approval: the request's id and why it asks. */
  approval?: { id: string; reason?: string };
  /** Answers the request; absent where it cannot be answered (not the last answer, or busy). */
  onApproval?: (approvalId: string, approved: boolean, alwaysAllowTool?: string) => void;
};

/**
 * One tool call: name, state, arguments and result (or error). Open while it runs or when it
 * failed, closed once done; the same parts give the same card after a reload.
 */
export const MessageTool = memo(function MessageTool({ name, state, input, output, errorText, durationMs, approval, onApproval }: MessageToolProps) {
  const [userOpen, setUserOpen] = useState<boolean | null>(null);
  const running = state === "input-streaming" || state === "input-available" || state === "approval-responded";
  const failed = state === "output-error" || state === "output-denied";
  const waiting = state === "approval-requested";
  const open = userOpen ?? (running || failed || waiting);
  const links = state === "output-available" ? searchResults(name, output) : null;
  const mcp = state === "output-available" ? mcpOutputOf(output) : null;
  return (
    <Collapsible
      open={open}
      onOpenChange={setUserOpen}
      data-testid="tool-card"
      data-state={state}
      data-tool-name={name}
      className={cn("rounded-lg border bg-card text-sm", failed ? "border-destructive/40" : "border-border")}
    >
      <CollapsibleTrigger
        data-testid="tool-toggle"
        aria-label={`${toolTitle(name)}: ${stateLabels[state]}`}
        className="flex w-full items-center gap-2 rounded-lg px-3 py-2 text-left outline-none hover:bg-accent/40 focus-visible:ring-[3px] focus-visible:ring-ring/50"
      >
        {running ? (
          <Spinner size="sm" label={null} />
        ) : waiting ? (
          <ShieldQuestion aria-hidden className="size-4 text-warning" />
        ) : failed ? (
          <CircleAlert aria-hidden className="size-4 text-destructive" />
        ) : (
          <CircleCheck aria-hidden className="size-4 text-success" />
        )}
        <Wrench aria-hidden className="size-3.5 text-muted-foreground" />
        <span className="font-medium" data-testid="tool-name">
          {toolTitle(name)}
        </span>
        <span data-testid="tool-state" className={cn("text-xs", failed ? "text-destructive" : "text-muted-foreground")}>
          {stateLabels[state]}
        </span>
        {durationMs !== undefined && !running && (
          <span data-testid="tool-duration" className="text-xs text-muted-foreground tabular-nums">
            {formatToolDuration(durationMs)}
          </span>
        )}
        <ChevronDown aria-hidden className={cn("ml-auto size-4 text-muted-foreground transition-transform", open && "rotate-180")} />
      </CollapsibleTrigger>
      <CollapsibleContent>
        <div className="grid gap-2 border-t border-border px-3 py-2">
          <section>
            <h4 className="mb-1 text-xs font-medium text-muted-foreground">Arguments</h4>
            <pre data-testid="tool-input" className="overflow-x-auto rounded-md bg-muted/60 p-2 font-mono text-xs whitespace-pre-wrap">
              {pretty(input) || "…"}
            </pre>
          </section>
          {state === "output-available" && (
            <section>
              <h4 className="mb-1 text-xs font-medium text-muted-foreground">Result</h4>
              {mcp ? (
                <div data-testid="tool-output" className="max-h-96 overflow-auto rounded-md bg-muted/30 p-2">
                  <McpContentView output={mcp} />
                </div>
              ) : (
                <pre data-testid="tool-output" className="overflow-x-auto rounded-md bg-muted/60 p-2 font-mono text-xs whitespace-pre-wrap">
                  {pretty(output)}
                </pre>
              )}
              {links && links.length > 0 && (
                <ul className="mt-2 grid gap-1">
                  {links.map((r) => (
                    <li key={r.conversationId}>
                      <Link href={`/c/${encodeURIComponent(r.conversationId)}`} className="text-primary underline-offset-4 hover:underline">
                        {r.title || "Untitled"}
                      </Link>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )}
          {failed && (
            <p data-testid="tool-error" role="status" className="text-destructive">
              {errorText || (state === "output-denied" ? "Denied: the tool did not run, and the model was told." : "The tool call failed.")}
            </p>
          )}
        </div>
      </CollapsibleContent>
      {waiting && approval && <ToolApproval name={name} approval={approval} onApproval={onApproval} />}
    </Collapsible>
  );
});

/** The question a call that needs approval asks: Approve, Deny, or always allow the tool in this conversation. */
function ToolApproval({
  name,
  approval,
  onApproval,
}: {
  name: string;
  approval: { id: string; reason?: string };
  onApproval?: MessageToolProps["onApproval"];
}) {
  const [answered, setAnswered] = useState(false);
  const answer = (approved: boolean, always = false) => {
    setAnswered(true);
    onApproval?.(approval.id, approved, always ? name : undefined);
  };
  const disabled = !onApproval || answered;
  return (
    <div data-testid="tool-approval" role="group" aria-label={`Approve ${toolTitle(name)}?`} className="grid gap-2 border-t border-border px-3 py-2">
      <p className="text-xs text-muted-foreground" data-testid="tool-approval-reason">
        {approval.reason ?? "This tool needs your approval before it runs."} Check the arguments above.
      </p>
      <div className="flex flex-wrap gap-2">
        <Button type="button" size="sm" data-testid="tool-approve" disabled={disabled} onClick={() => answer(true)}>
          Approve
        </Button>
        <Button type="button" size="sm" variant="outline" data-testid="tool-deny" disabled={disabled} onClick={() => answer(false)}>
          Deny
        </Button>
        <Button type="button" size="sm" variant="ghost" data-testid="tool-always-allow" disabled={disabled} onClick={() => answer(true, true)}>
          Always allow in this chat
        </Button>
      </div>
      {!onApproval && <p className="text-xs text-muted-foreground">Not run: only the last answer&apos;s waiting tool calls can be approved.</p>}
    </div>
  );
}
