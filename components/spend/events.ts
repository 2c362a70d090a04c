// Browser event that asks spend figures on screen (the sidebar's month-to-date) to refresh,
// e.g. when an answer has finished. Client-safe.

export const SPEND_CHANGED_EVENT = "switchboard:spend-changed";

export function announceSpendChanged(): void {
  if (typeof window === "undefined") return;
  window.dispatchEvent(new Event(SPEND_CHANGED_EVENT));
}
