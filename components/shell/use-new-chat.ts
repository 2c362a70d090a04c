"use client";

import { useCallback } from "react";
import { useRouter } from "next/navigation";

/**
 * Starts a fresh chat. A new chat's page moves its URL to /c/{id} in place once the conversation
 * exists (history.replaceState), so the router may still hold "/" as the page it shows: pushing "/"
 * alone would change the URL and keep that conversation on screen. Refreshing asks the server for
 * "/" again, which renders a new chat under a new id.
 */
export function useNewChat(): () => void {
  const router = useRouter();
  return useCallback(() => {
    router.push("/");
    router.refresh();
  }, [router]);
}
