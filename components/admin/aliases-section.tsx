"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toaster";
import type { AliasView } from "@/lib/model-aliases/types";
import { AliasForm } from "./alias-form";
import { adminRequest } from "./api";

/** The team's model aliases: add, edit, delete. */
export function AliasesSection({ aliases }: { aliases: AliasView[] }) {
  const router = useRouter();
  const [editing, setEditing] = useState<AliasView | null>(null);
  const [deleting, setDeleting] = useState<AliasView | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  return (
    <div className="grid gap-6">
      {aliases.length === 0 ? (
        <p className="text-sm text-muted-foreground" data-testid="admin-aliases-empty">
          No aliases yet.
        </p>
      ) : (
        <Table data-testid="admin-aliases">
          <TableHeader>
            <TableRow>
              <TableHead>Alias</TableHead>
              <TableHead>Model</TableHead>
              <TableHead>Fallbacks</TableHead>
              <TableHead>Provider preferences</TableHead>
              <TableHead>
                <span className="sr-only">Actions</span>
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {aliases.map((alias) => (
              <TableRow key={alias.name} data-testid="admin-alias-row" data-alias={alias.name}>
                <TableCell className="max-w-56">
                  <div className="font-mono font-medium">{alias.name}</div>
                  {alias.description && <div className="truncate text-xs text-muted-foreground">{alias.description}</div>}
                </TableCell>
                <TableCell className="font-mono text-xs" data-testid="admin-alias-model">
                  {alias.model}
                </TableCell>
                <TableCell className="font-mono text-xs break-all">{alias.fallbacks.join(", ") || "—"}</TableCell>
                <TableCell className="max-w-56 font-mono text-xs break-all">{alias.provider ? JSON.stringify(alias.provider) : "—"}</TableCell>
                <TableCell>
                  <div className="flex justify-end gap-1">
                    <Button
                      type="button"
                      size="sm"
                      variant="ghost"
                      onClick={() => setEditing(alias)}
                      aria-label={`Edit ${alias.name}`}
                      data-testid="admin-alias-edit"
                    >
                      Edit
                    </Button>
                    <Button
                      type="button"
                      size="sm"
                      variant="outline"
                      onClick={() => {
                        setDeleteError(null);
                        setDeleting(alias);
                      }}
                      aria-label={`Delete ${alias.name}`}
                      data-testid="admin-alias-delete"
                    >
                      Delete
                    </Button>
                  </div>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}

      <div className="grid gap-2 rounded-lg border border-border p-4">
        <h3 className="text-sm font-medium">Add an alias</h3>
        <AliasForm
          submitLabel="Add alias"
          onSubmit={async (body) => {
            const { alias } = await adminRequest<{ alias: AliasView }>("/api/admin/aliases", "POST", body);
            toast({ title: `Alias ${alias.name} added`, description: `It points at ${alias.model}.`, variant: "success" });
            router.refresh();
          }}
        />
      </div>

      <Dialog open={editing !== null} onOpenChange={(open) => !open && setEditing(null)}>
        <DialogContent data-testid="alias-edit-dialog">
          <DialogHeader>
            <DialogTitle>Edit {editing?.name}</DialogTitle>
            <DialogDescription>Clients using this name get the new model from their next request.</DialogDescription>
          </DialogHeader>
          {editing && (
            <AliasForm
              alias={editing}
              submitLabel="Save alias"
              onSubmit={async (body, name) => {
                await adminRequest(`/api/admin/aliases/${encodeURIComponent(name)}`, "PUT", body);
                toast({ title: `Alias ${name} saved`, variant: "success" });
                setEditing(null);
                router.refresh();
              }}
            />
          )}
        </DialogContent>
      </Dialog>

      <Dialog open={deleting !== null} onOpenChange={(open) => !open && setDeleting(null)}>
        <DialogContent data-testid="alias-delete-dialog">
          <DialogHeader>
            <DialogTitle>Delete {deleting?.name}?</DialogTitle>
            <DialogDescription>
              Requests that name this alias are refused from then on. Keys listing it in their allow-list keep the name.
            </DialogDescription>
          </DialogHeader>
          {deleteError && (
            <p role="alert" className="text-sm text-destructive">
              {deleteError}
            </p>
          )}
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => setDeleting(null)}>
              Keep it
            </Button>
            <Button
              type="button"
              variant="destructive"
              data-testid="alias-delete-confirm"
              onClick={async () => {
                if (!deleting) return;
                try {
                  await adminRequest(`/api/admin/aliases/${encodeURIComponent(deleting.name)}`, "DELETE");
                  toast({ title: `Alias ${deleting.name} deleted`, variant: "success" });
                  setDeleting(null);
                  router.refresh();
                } catch (e) {
                  setDeleteError((e as Error).message);
                }
              }}
            >
              Delete alias
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </div>
  );
}
