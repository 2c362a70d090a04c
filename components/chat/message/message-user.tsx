"use client";

import { memo, use, useState } from "react";
import { Pencil } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";
import type { ChatUIMessage } from "@/lib/chat/types";
import { ChatBusyContext } from "../chat-context";
import { CopyButton } from "./copy-button";
import { MessageAttachments } from "./message-files";
import { messageFiles, messageText } from "./message-parts";

type MessageUserProps = {
  message: ChatUIMessage;
  /** Replace this message with new text and answer again (drops everything after it). */
  onEdit: (messageId: string, text: string) => void;
};

function InlineEditor({ initial, onSave, onCancel }: { initial: string; onSave: (text: string) => void; onCancel: () => void }) {
  const busy = use(ChatBusyContext);
  const [text, setText] = useState(initial);
  const trimmed = text.trim();
  const save = () => {
    if (!trimmed || busy) return;
    onSave(trimmed);
  };
  return (
    <form
      data-testid="edit-form"
      className="grid w-full gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <Textarea
        autoGrow
        autoFocus
        data-testid="edit-input"
        aria-label="Edit message"
        className="max-h-80"
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.preventDefault();
            onCancel();
          } else if (event.key === "Enter" && (event.metaKey || event.ctrlKey) && !event.nativeEvent.isComposing) {
            event.preventDefault();
            save();
          }
        }}
      />
      <div className="flex justify-end gap-2">
        <Button type="button" variant="ghost" size="sm" data-testid="edit-cancel" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" size="sm" data-testid="edit-save" disabled={!trimmed || busy}>
          Save &amp; send
        </Button>
      </div>
    </form>
  );
}

/** A message the user sent: its attachments and plain text (never Markdown or HTML), with Edit and Copy. */
export const MessageUser = memo(function MessageUser({ message, onEdit }: MessageUserProps) {
  const [editing, setEditing] = useState(false);
  const text = messageText(message);
  const files = messageFiles(message);
  return (
    <article data-testid="message-user" data-message-id={message.id} className="group/message flex flex-col items-end gap-1">
      {editing ? (
        <InlineEditor
          initial={text}
          onCancel={() => setEditing(false)}
          onSave={(next) => {
            setEditing(false);
            onEdit(message.id, next);
          }}
        />
      ) : (
        <>
          {files.length > 0 && <MessageAttachments files={files} />}
          {(text || files.length === 0) && (
            <div
              data-testid="message-text"
              className="max-w-[85%] rounded-2xl bg-secondary px-4 py-2 text-[0.9375rem] leading-relaxed break-words whitespace-pre-wrap text-secondary-foreground"
            >
              {text}
            </div>
          )}
          <div className="flex gap-0.5 opacity-0 transition-opacity group-focus-within/message:opacity-100 group-hover/message:opacity-100">
            <CopyButton data-testid="copy-message" label="Copy message" getText={() => text} />
            <Button
              type="button"
              variant="ghost"
              size="icon-sm"
              data-testid="edit-message"
              aria-label="Edit message"
              title="Edit message"
              onClick={() => setEditing(true)}
            >
              <Pencil aria-hidden className="size-3.5" />
            </Button>
          </div>
        </>
      )}
    </article>
  );
});
