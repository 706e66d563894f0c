/**
 * A file no source of the mapping reads is not dropped in silence: the run names it with its
 * columns, the source of a mapping it comes closest to (the run's own, or another built-in one:
 * a Stripe file beside a HubSpot export fits `--mapping hubspot,stripe`), what it lacks for it,
 * and the command that drafts a mapping for an export no built-in mapping knows.
 */
import path from 'node:path';
import { globToRegExp } from './files.js';
import { findFileHeaderRow } from './header-row.js';
import { BUILTIN_DIR, builtinMappings, readMappingFile, type LoadedMapping } from './load-mapping.js';
import { closestHeader, missingRequired } from './recognise.js';
import { OVERRIDES_FILE } from './overrides.js';

export interface UnrecognisedFile {
  file: string;
  columns: string[];
  /** The source it comes closest to (the fewest required columns lacking), when it shares any. */
  closest?: { mapping: string; source: string; lacks: string[]; inRun: boolean };
}

/** Each unrecognised file with its header and the closest source among the run's and the built-in mappings. */
export const describeUnrecognised = (inputDir: string, files: readonly string[], used: readonly LoadedMapping[]): UnrecognisedFile[] => {
  if (files.length === 0) return [];
  const inRun = new Set(used.map((m) => m.name));
  const candidates = [...used, ...builtinMappings().filter((b) => !inRun.has(b)).map((b) => readMappingFile(path.join(BUILTIN_DIR, `${b}.yaml`)))];
  return files.map((file) => {
    const columns = findFileHeaderRow(path.join(inputDir, file))?.header ?? [];
    let closest: UnrecognisedFile['closest'];
    let bestShare = 1;
    for (const mapping of candidates) {
      for (const [name, source] of Object.entries(mapping.spec.sources)) {
        if (source.sql) continue;
        const patterns = [source.files ?? []].flat();
        // A source found by name alone (no requires:) fits a file of its name; one found by its columns, by them.
        const lacks = source.requires ? missingRequired(source, columns) : [];
        const share = source.requires ? lacks.length / source.requires.length
          : patterns.some((p) => globToRegExp(p).test(file)) && !patterns.includes('**/*.csv') ? 0 : 1;
        if (share < bestShare) {
          bestShare = share;
          closest = { mapping: mapping.name, source: name, lacks, inRun: inRun.has(mapping.name) };
        }
      }
    }
    return { file, columns, ...(closest ? { closest } : {}) };
  });
};

/** The lines the run prints for the unrecognised files. */
export const unrecognisedLines = (files: readonly UnrecognisedFile[], mappings: readonly string[], inputDir: string): string[] => files.flatMap((f) => {
  const shown = `${f.columns.slice(0, 8).join(', ')}${f.columns.length > 8 ? ', …' : ''}`;
  const lines = [`Not read: ${f.file} fits no source of the mapping ${mappings.join(' + ')} (its columns: ${shown || 'none found'}).`];
  const c = f.closest;
  if (c && c.lacks.length === 0 && !c.inRun) {
    lines.push(`  It has the columns of ${c.mapping} sources.${c.source}: add that mapping, --mapping ${[...mappings, c.mapping].join(',')}`);
  } else if (c && c.lacks.length > 0) {
    lines.push(`  Closest: ${c.mapping} sources.${c.source}, which needs ${c.lacks.map((x) => `"${x}"`).join(', ')}.`);
    const aliases = c.lacks.map((x) => [x, closestHeader(x, f.columns)] as const).filter(([, h]) => h);
    if (c.inRun && aliases.length) {
      lines.push(`  If ${aliases.map(([x, h]) => `"${h}" is "${x}"`).join(' and ')}, add to ${path.join(inputDir, OVERRIDES_FILE)}:`,
        `    aliases:\n      ${c.source}:\n${aliases.map(([x, h]) => `        ${x}: [${JSON.stringify(h)}]`).join('\n')}`);
    }
  }
  lines.push(`  If it is another tool's export, draft a mapping for it: npm run mapping:init -- --extracts ${inputDir}`);
  return lines;
});
