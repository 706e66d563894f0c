/**
 * Header aliases and recognising files by their columns. Exports come in the user's language
 * (`Jour`, `Coût`, `ID de registro`) and under the names the tool gave them
 * (`report1716812345678.csv`), so a source may list other names per column (`aliases:`) and the
 * headers a file must hold to be its file (`requires:`). Pure functions: reading the headers is
 * sources.ts's job.
 */
import type { Source } from './schema.js';

const norm = (name: string) => name.replace(/^\uFEFF/, '').trim().toLowerCase();

/** Lower-cased name (canonical or alias) → canonical name. */
const canonicalIndex = (aliases: Source['aliases']) => {
  const index = new Map<string, string>();
  for (const [canonical, others] of Object.entries(aliases)) {
    for (const name of [canonical, ...others]) index.set(norm(name), canonical);
  }
  return index;
};

/** The canonical name of a header cell (itself when it is no alias). */
export const canonicalName = (aliases: Source['aliases'], column: string): string =>
  canonicalIndex(aliases).get(norm(column)) ?? column.trim();

/**
 * The renames that give a file's columns their canonical names, or a message when two columns of
 * the file are names of one canonical column (which one holds the data would be a guess).
 */
export const aliasRenames = (aliases: Source['aliases'], columns: string[]): { renames: [string, string][]; clash?: string } => {
  const index = canonicalIndex(aliases);
  const seen = new Map<string, string>();
  const renames: [string, string][] = [];
  for (const column of columns) {
    const canonical = index.get(norm(column));
    if (!canonical) continue;
    const first = seen.get(canonical);
    if (first !== undefined) {
      return { renames, clash: `it has both "${first}" and "${column}", two names of the column ${canonical}: remove one of them from the file, or from aliases:` };
    }
    seen.set(canonical, column);
    // DuckDB names are case-insensitive: a case-only difference needs no rename.
    if (norm(column) !== norm(canonical)) renames.push([column, canonical]);
  }
  return { renames };
};

/** The required headers a file lacks (by canonical name, so any alias satisfies a requirement). */
export const missingRequired = (source: Source, columns: string[]): string[] => {
  const have = new Set(columns.map((c) => norm(canonicalName(source.aliases, c))));
  return (source.requires ?? []).filter((r) => !have.has(norm(canonicalName(source.aliases, r))));
};

const tokens = (name: string) => new Set(name.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').split(/[^a-z0-9]+/).filter(Boolean));

const editDistance = (a: string, b: string) => {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(prev[j]! + 1, next[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = next;
  }
  return prev[b.length]!;
};

/**
 * The header closest to a wanted column, for the doctor: most words in common (accents and
 * punctuation ignored: "Stage of deal" for "Deal Stage"), then fewest edits; none when nothing is
 * near (no shared word and more edits than half the name).
 */
export const closestHeader = (wanted: string, columns: string[]): string | undefined => {
  const w = tokens(wanted);
  const scored = columns.map((c) => {
    const t = tokens(c);
    const shared = [...w].filter((x) => t.has(x)).length / Math.max(w.size, t.size, 1);
    return { c, shared, edits: editDistance(wanted.toLowerCase(), c.toLowerCase()) };
  }).sort((a, b) => b.shared - a.shared || a.edits - b.edits);
  const best = scored[0];
  return best && (best.shared > 0 || best.edits <= wanted.length / 2) ? best.c : undefined;
};
