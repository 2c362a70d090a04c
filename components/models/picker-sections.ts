// What the model picker lists, as plain data (no React): favourites, recently used, then every
// other model grouped by its author, filtered by the search text. With the real catalog (several
// hundred models) the picker renders only the first rows of this list and more as the user scrolls
// or moves down (model-picker.tsx), so this is where the whole list is walked, once per keystroke.
import type { ModelSummary } from "@/lib/openrouter/types";

export type PickerSection = {
  /** "favorites", "recent", or `author:<slug>`. */
  key: string;
  label: string;
  models: ModelSummary[];
};

export type PickerPreferences = { favoriteModels: readonly string[]; recentModels: readonly string[] };

export const RECENT_LIMIT = 5;

/** The lowercased text a query is matched against, computed once per catalog. */
export type SearchIndex = ReadonlyMap<string, string>;

export function searchIndex(models: readonly ModelSummary[]): SearchIndex {
  return new Map(models.map((m) => [m.id, `${m.name}\n${m.id}\n${m.provider}\n${m.aliasOf ?? ""}`.toLowerCase()]));
}

/** Every whitespace-separated term must occur in the name, id, author or alias target. */
export function queryTerms(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

function matches(index: SearchIndex, model: ModelSummary, terms: string[]): boolean {
  if (terms.length === 0) return true;
  const haystack = index.get(model.id) ?? `${model.name}\n${model.id}\n${model.provider}`.toLowerCase();
  return terms.every((term) => haystack.includes(term));
}

/** Every term is in the name a person reads, not only in the id or the author's slug. */
function nameMatches(model: ModelSummary, terms: string[]): boolean {
  const name = model.name.toLowerCase();
  return terms.every((term) => name.includes(term));
}

/** Models whose name matches first, each part keeping its order (Array.prototype.sort is stable). */
function byNameMatch(models: ModelSummary[], terms: string[]): ModelSummary[] {
  if (terms.length === 0) return models;
  return [...models].sort((a, b) => Number(!nameMatches(a, terms)) - Number(!nameMatches(b, terms)));
}

/** "OpenAI: GPT-4o" → "OpenAI"; the author slug when the names do not say. */
function authorLabel(models: ModelSummary[], author: string): string {
  for (const m of models) {
    const prefix = /^([^:]{1,40}):\s/.exec(m.name);
    if (prefix) return prefix[1];
  }
  return author;
}

/**
 * The catalog grouped by author (`~google/…-latest` aliases with google's), authors and models
 * by name; routers (`openrouter/auto`) first, as the one choice that is not a single model.
 */
export function groupByAuthor(models: readonly ModelSummary[]): PickerSection[] {
  const groups = new Map<string, ModelSummary[]>();
  for (const m of models) {
    const list = groups.get(m.provider);
    if (list) list.push(m);
    else groups.set(m.provider, [m]);
  }
  const sections = [...groups.entries()].map(([author, list]) => {
    const sorted = [...list].sort((a, b) => a.name.localeCompare(b.name));
    return { key: `author:${author}`, label: authorLabel(sorted, author), models: sorted };
  });
  return sections.sort((a, b) => (a.key === "author:openrouter" ? -1 : b.key === "author:openrouter" ? 1 : a.label.localeCompare(b.label)));
}

/** Favourites first, then recently used, then every other model grouped by author. */
export function buildSections(
  groups: readonly PickerSection[],
  byId: ReadonlyMap<string, ModelSummary>,
  prefs: PickerPreferences,
  query: string,
  index: SearchIndex,
): PickerSection[] {
  const terms = queryTerms(query);
  const match = (m: ModelSummary | undefined): m is ModelSummary => !!m && matches(index, m, terms);
  const favorites = prefs.favoriteModels.map((id) => byId.get(id)).filter(match);
  const favoriteIds = new Set(prefs.favoriteModels);
  const recent = prefs.recentModels
    .filter((id) => !favoriteIds.has(id))
    .slice(0, RECENT_LIMIT)
    .map((id) => byId.get(id))
    .filter(match);
  const shown = new Set([...favorites, ...recent].map((m) => m.id));
  const rest = groups
    .map((g) => ({
      ...g,
      models: byNameMatch(
        g.models.filter((m) => !shown.has(m.id) && matches(index, m, terms)),
        terms,
      ),
    }))
    .filter((g) => g.models.length > 0);
  // Authors with a model whose name says what was typed come before those matched only by an id:
  // "llama 3.1 8b" finds Meta's Llama 3.1 8B before a fine-tune that has the words only in its slug.
  if (terms.length > 0) rest.sort((a, b) => Number(!nameMatches(a.models[0]!, terms)) - Number(!nameMatches(b.models[0]!, terms)));
  return [{ key: "favorites", label: "Favourites", models: favorites }, { key: "recent", label: "Recently used", models: recent }, ...rest].filter(
    (s) => s.models.length > 0,
  );
}

/** An alias's option id in the picker's list (model ids always contain "/", alias names never do). */
export function aliasOptionKey(name: string): string {
  return `alias:${name}`;
}

/**
 * The team's aliases the picker offers: those whose target the catalog lists (choosing one picks
 * that model), matched against the alias's name, description and target.
 */
export function matchingAliases<A extends { name: string; model: string; description: string }>(
  aliases: readonly A[],
  byId: ReadonlyMap<string, ModelSummary>,
  query: string,
): A[] {
  const terms = queryTerms(query);
  return aliases.filter((alias) => {
    const target = byId.get(alias.model);
    if (!target) return false;
    const haystack = `${alias.name}\n${alias.description}\n${alias.model}\n${target.name}`.toLowerCase();
    return terms.every((term) => haystack.includes(term));
  });
}
