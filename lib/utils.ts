import { clsx, type ClassValue } from "clsx";
import { twMerge } from "tailwind-merge";

/**
 * Join class names conditionally (clsx) and resolve Tailwind conflicts so the
 * last one wins (tailwind-merge): `cn("px-2", isWide && "px-4")` → "px-4".
 */
export function cn(...inputs: ClassValue[]): string {
  return twMerge(clsx(inputs));
}
