"use client";

import { useState } from "react";
import { Wrench } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Popover, PopoverContent, PopoverTrigger } from "@/components/ui/popover";
import { Spinner } from "@/components/ui/spinner";
import { Switch } from "@/components/ui/switch";
import type { ToolsMenu as ToolsMenuData } from "@/lib/mcp/types";
import { cn } from "@/lib/utils";
import { setDefaultTools, useModelPreferences } from "@/components/models/use-model-preferences";
import { fetchToolsMenu } from "../api";

type ToolsMenuProps = {
  /** The conversation's choice: tool names on; null/undefined: the defaults. */
  chosen: readonly string[] | null | undefined;
  onChange: (tools: string[] | null) => void;
  /** The model cannot call tools: the menu says so. */
  supported: boolean;
};

/** The tools on by default: every built-in one and the MCP tools of servers on for everyone. */
function defaults(menu: ToolsMenuData): string[] {
  return [...menu.builtIn.map((t) => t.name), ...menu.mcp.filter((t) => t.availability === "everyone").map((t) => t.name)];
}

/**
 * Which tools the conversation offers the model: the built-in ones and each MCP server's, grouped
 * by server with their descriptions (the server's words, shown as plain text). Loaded when opened.
 */
export function ToolsMenu({ chosen, onChange, supported }: ToolsMenuProps) {
  const [menu, setMenu] = useState<ToolsMenuData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { defaultTools } = useModelPreferences();
  // A conversation without a choice uses the user's default, else the built-in defaults.
  const fallback = (data: ToolsMenuData) => defaultTools ?? defaults(data);
  const on = new Set(chosen ?? (menu ? fallback(menu) : []));
  const count = menu ? [...menu.builtIn, ...menu.mcp].filter((t) => on.has(t.name)).length : null;

  const load = () => {
    setError(null);
    fetchToolsMenu()
      .then(setMenu)
      .catch(() => setError("The tools could not be loaded."));
  };
  const toggle = (name: string, value: boolean) => {
    if (!menu) return;
    const next = new Set(chosen ?? fallback(menu));
    if (value) next.add(name);
    else next.delete(name);
    // Only names the menu lists are kept (a server removed since drops out).
    onChange([...menu.builtIn, ...menu.mcp].map((t) => t.name).filter((n) => next.has(n)));
  };
  const servers = menu ? [...new Set(menu.mcp.map((t) => t.server))] : [];

  return (
    <Popover onOpenChange={(open) => open && load()}>
      <PopoverTrigger asChild>
        <Button
          type="button"
          size="icon"
          variant="ghost"
          data-testid="tools-menu-button"
          aria-label="Tools for this conversation"
          title="Tools for this conversation"
        >
          <Wrench aria-hidden />
        </Button>
      </PopoverTrigger>
      <PopoverContent align="end" className="w-80 p-0" data-testid="tools-menu">
        <div className="flex items-center justify-between gap-2 border-b border-border px-3 py-2">
          <h3 className="text-sm font-medium">Tools</h3>
          <span className="flex items-center gap-1">
            {chosen && (
              <Button
                type="button"
                size="sm"
                variant="ghost"
                data-testid="tools-menu-save-default"
                title="Conversations that make no choice of their own use these tools"
                onClick={() => void setDefaultTools([...chosen])}
              >
                Make default
              </Button>
            )}
            {chosen ? (
              <Button type="button" size="sm" variant="ghost" data-testid="tools-menu-reset" onClick={() => onChange(null)}>
                Use defaults
              </Button>
            ) : (
              <span className="text-xs text-muted-foreground" data-testid="tools-menu-defaults">
                {defaultTools ? "Your defaults" : "Defaults"}
              </span>
            )}
          </span>
        </div>
        {!supported && (
          <p data-testid="tools-unsupported" role="status" className="border-b border-border px-3 py-2 text-xs text-muted-foreground">
            This model cannot call tools: it answers without them.
          </p>
        )}
        <div className="max-h-80 overflow-y-auto px-3 py-2">
          {error ? (
            <p role="alert" className="text-sm text-destructive">
              {error}
            </p>
          ) : !menu ? (
            <Spinner size="sm" label="Loading tools" />
          ) : (
            <div className="grid gap-3">
              <ToolGroup title="Built-in" tools={menu.builtIn.map((t) => ({ ...t, label: t.name }))} on={on} onToggle={toggle} />
              {servers.map((server) => (
                <ToolGroup
                  key={server}
                  title={server}
                  server={server}
                  tools={menu.mcp.filter((t) => t.server === server).map((t) => ({ name: t.name, label: t.tool, description: t.description }))}
                  on={on}
                  onToggle={toggle}
                />
              ))}
            </div>
          )}
        </div>
        {count !== null && (
          <p data-testid="tools-menu-count" className="border-t border-border px-3 py-2 text-xs text-muted-foreground">
            {count} {count === 1 ? "tool" : "tools"} on
          </p>
        )}
      </PopoverContent>
    </Popover>
  );
}

function ToolGroup({
  title,
  server,
  tools,
  on,
  onToggle,
}: {
  title: string;
  server?: string;
  tools: { name: string; label: string; description: string }[];
  on: Set<string>;
  onToggle: (name: string, value: boolean) => void;
}) {
  return (
    <section data-testid="tools-menu-group" data-server={server ?? "built-in"} aria-label={server ? `Server ${title}` : "Built-in tools"}>
      <h4 className="mb-1 text-xs font-medium text-muted-foreground">{title}</h4>
      <ul className="grid gap-1.5">
        {tools.map((t) => {
          const id = `tool-${t.name}`;
          return (
            <li key={t.name} className="flex items-start gap-2">
              <Switch
                id={id}
                size="sm"
                data-testid="tools-menu-switch"
                data-tool={t.name}
                checked={on.has(t.name)}
                onCheckedChange={(value) => onToggle(t.name, value)}
                aria-describedby={t.description ? `${id}-description` : undefined}
              />
              <label htmlFor={id} className={cn("grid min-w-0 gap-0.5 text-sm")}>
                <span className="truncate font-mono text-xs">{t.label}</span>
                {t.description && (
                  <span id={`${id}-description`} className="line-clamp-2 text-xs text-muted-foreground">
                    {t.description}
                  </span>
                )}
              </label>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
