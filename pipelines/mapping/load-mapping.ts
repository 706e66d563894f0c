/**
 * Finding and reading mapping files: `--mapping NAME_OR_FILE[,NAME_OR_FILE…]`, where a name is a
 * built-in mapping (`pipelines/mapping/builtin/<name>.yaml`) and anything else a path. Several
 * mappings combine (HubSpot + Stripe + Google Ads): each provides some extracts, an extract
 * mapped twice is an error, and together they must provide the core extracts.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { CORE_EXTRACTS } from '../contract/index.js';
import { ExtractError } from '../load/read.js';
import { checkMapping, type Problem } from './check-mapping.js';
import { mappingSchema, type MappingFile } from './schema.js';

export const BUILTIN_DIR = path.resolve(import.meta.dirname, 'builtin');

/** A problem in a mapping file or in applying it; the run stops with this message. */
export class MappingError extends ExtractError {
  override name = 'MappingError';
}

export interface LoadedMapping {
  name: string;
  file: string;
  spec: MappingFile;
  /** The order of day and month the company states (mapping-overrides.yaml), for dates no value orders. */
  dateOrder?: 'dmy' | 'mdy';
}

export const builtinMappings = (): string[] =>
  fs.readdirSync(BUILTIN_DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();

const resolveFile = (nameOrFile: string): string => {
  const builtin = path.join(BUILTIN_DIR, `${nameOrFile}.yaml`);
  if (/^[a-z0-9-]+$/.test(nameOrFile) && fs.existsSync(builtin)) return builtin;
  const file = path.resolve(nameOrFile);
  if (fs.existsSync(file)) return file;
  throw new MappingError(`Mapping "${nameOrFile}" is neither a built-in mapping (${builtinMappings().join(', ')}) nor an existing file.`);
};

const formatProblems = (file: string, problems: Problem[]) =>
  `Mapping ${file} is invalid:\n${problems.map((p) => `  ✖ ${p.path || '(top level)'}: ${p.message}`).join('\n')}`;

const zodProblems = (error: z.ZodError): Problem[] =>
  error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));

/** Reads and validates one mapping file (YAML), naming the file, key path and problem on error. */
export const readMappingFile = (file: string): LoadedMapping => {
  let raw: unknown;
  try {
    // merge: YAML `<<: *anchor` keys, so a mapping can reuse a value list.
    raw = YAML.parse(fs.readFileSync(file, 'utf8'), { merge: true });
  } catch (error) {
    throw new MappingError(`Mapping ${file} is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = mappingSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new MappingError(formatProblems(file, zodProblems(parsed.error)));
  const problems = checkMapping(parsed.data);
  if (problems.length) throw new MappingError(formatProblems(file, problems));
  return { name: parsed.data.name ?? path.basename(file).replace(/\.ya?ml$/, ''), file, spec: parsed.data };
};


/**
 * Reads `hubspot,stripe,google-ads` (or paths) into mappings that together provide each extract
 * at most once and the core extracts at least once.
 */
export const loadMappings = (names: string | string[]): LoadedMapping[] => {
  const list = (Array.isArray(names) ? names : names.split(',')).map((n) => n.trim()).filter(Boolean);
  if (list.length === 0) throw new MappingError('No mapping given: --mapping NAME_OR_FILE[,NAME_OR_FILE…].');
  const mappings = list.map((n) => readMappingFile(resolveFile(n)));
  const owner = new Map<string, LoadedMapping>();
  for (const mapping of mappings) {
    for (const extract of Object.keys(mapping.spec.extracts)) {
      const first = owner.get(extract);
      if (first) {
        throw new MappingError(`Extract "${extract}" is mapped by both ${first.name} (${first.file}) and ${mapping.name} (${mapping.file}): keep it in one mapping only.`);
      }
      owner.set(extract, mapping);
    }
  }
  const missing = CORE_EXTRACTS.filter((c) => !owner.has(c));
  if (missing.length) {
    throw new MappingError(`Mapping ${mappings.map((m) => m.name).join(' + ')} does not provide the core extract(s) ${missing.join(', ')}, ` +
      'which every company needs: add them, or combine with a CRM mapping (e.g. --mapping hubspot,stripe).');
  }
  return mappings;
};
