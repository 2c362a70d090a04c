"use client";

// The app's keyboard shortcuts and the sheet that lists them. Each shortcut acts through the
// control a person would use — the search box, the model picker, Stop, the last answer's Copy, the
// composer — so it does exactly what that control does, and nothing when the control is not there.
import { useEffect, useState } from "react";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Kbd } from "@/components/ui/kbd";
import { useNewChat } from "./use-new-chat";

const OPEN_HELP = "switchboard:shortcuts";

/** Opens the sheet of shortcuts (the sidebar's button). */
export function openShortcutsHelp(): void {
  window.dispatchEvent(new Event(OPEN_HELP));
}

type ShortcutId = "new-chat" | "search" | "model-picker" | "focus-composer" | "stop" | "copy-answer" | "help";

type Shortcut = {
  id: ShortcutId;
  label: string;
  /** Keys as shown; "Mod" is ⌘ on a Mac and Ctrl elsewhere. */
  keys: string[];
  matches: (event: KeyboardEvent) => boolean;
};

const mod = (event: KeyboardEvent) => event.metaKey || event.ctrlKey;

/** Typing in a field: a bare `?` is a character there, not a shortcut. */
function typing(event: KeyboardEvent): boolean {
  const target = event.target;
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

const SHORTCUTS: Shortcut[] = [
  { id: "new-chat", label: "New chat", keys: ["Mod", "Shift", "O"], matches: (e) => mod(e) && e.shiftKey && e.code === "KeyO" },
  { id: "search", label: "Search conversations", keys: ["Mod", "K"], matches: (e) => mod(e) && !e.shiftKey && e.code === "KeyK" },
  { id: "model-picker", label: "Choose the model", keys: ["Mod", "Shift", "M"], matches: (e) => mod(e) && e.shiftKey && e.code === "KeyM" },
  { id: "focus-composer", label: "Focus the message box", keys: ["Shift", "Esc"], matches: (e) => e.shiftKey && !mod(e) && e.key === "Escape" },
  {
    id: "stop",
    label: "Stop the answer (in the message box)",
    keys: ["Esc"],
    matches: (e) => e.key === "Escape" && !e.shiftKey && !mod(e) && e.target instanceof HTMLElement && e.target.dataset.testid === "composer-input",
  },
  { id: "copy-answer", label: "Copy the last answer", keys: ["Mod", "Shift", ";"], matches: (e) => mod(e) && e.shiftKey && e.code === "Semicolon" },
  {
    id: "help",
    label: "Show these shortcuts",
    keys: ["?"],
    matches: (e) => (e.key === "?" && !mod(e) && !typing(e)) || (mod(e) && e.code === "Slash"),
  },
];

/** The visible element for `testId` (the sidebar's copy in a closed phone sheet is not). */
function visible(testId: string): HTMLElement | null {
  const all = [...document.querySelectorAll<HTMLElement>(`[data-testid="${testId}"]`)];
  return all.findLast((el) => el.getClientRects().length > 0) ?? null;
}

function click(testId: string): boolean {
  const el = visible(testId);
  if (!el || (el instanceof HTMLButtonElement && el.disabled)) return false;
  el.click();
  return true;
}

function focus(testId: string): boolean {
  const el = visible(testId);
  if (!el) return false;
  el.focus();
  return true;
}

/** Does what the shortcut's control does; whether it acted (then the key's default is prevented). */
function act(id: ShortcutId, app: { newChat: () => void; help: () => void }): boolean {
  switch (id) {
    case "new-chat":
      app.newChat();
      return true;
    case "search":
      return focus("history-search");
    case "model-picker":
      return click("model-picker");
    case "focus-composer":
      return focus("composer-input");
    case "stop":
      return click("stop");
    case "copy-answer":
      return click("copy-answer");
    case "help":
      app.help();
      return true;
  }
}

/** Listens for the shortcuts app-wide and shows their sheet on `?`, Mod+/ or the sidebar's button. */
export function KeyboardShortcuts() {
  const newChat = useNewChat();
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const app = { newChat, help: () => setOpen(true) };
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing || event.repeat) return;
      const shortcut = SHORTCUTS.find((s) => s.matches(event));
      if (shortcut && act(shortcut.id, app)) event.preventDefault();
    };
    const onOpen = () => setOpen(true);
    // Capture: before a focused control's own handlers (the search box clears itself on Esc).
    window.addEventListener("keydown", onKey, { capture: true });
    window.addEventListener(OPEN_HELP, onOpen);
    return () => {
      window.removeEventListener("keydown", onKey, { capture: true });
      window.removeEventListener(OPEN_HELP, onOpen);
    };
  }, [newChat]);

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogContent data-testid="shortcuts-help" closeLabel="Close the shortcuts">
        <DialogHeader>
          <DialogTitle>Keyboard shortcuts</DialogTitle>
          <DialogDescription>They work anywhere in the app, except a bare ? while you type.</DialogDescription>
        </DialogHeader>
        <ShortcutList />
      </DialogContent>
    </Dialog>
  );
}

/** The sheet's list; rendered only while the sheet is open, so only in the browser (it reads the platform). */
function ShortcutList() {
  const isMac = /Mac|iPhone|iPad/.test(navigator.platform);
  const keyName = (key: string) => (key === "Mod" ? (isMac ? "⌘" : "Ctrl") : key);
  return (
    <ul className="grid gap-2 text-sm">
      {SHORTCUTS.map((s) => (
        <li key={s.id} data-testid="shortcut" data-shortcut={s.id} className="flex items-center justify-between gap-4">
          <span>{s.label}</span>
          <span className="flex gap-1" aria-label={s.keys.map(keyName).join(" + ")}>
            {s.keys.map((key) => (
              <Kbd key={key}>{keyName(key)}</Kbd>
            ))}
          </span>
        </li>
      ))}
    </ul>
  );
}
