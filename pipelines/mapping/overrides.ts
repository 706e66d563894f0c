/**
 * `mapping-overrides.yaml` beside the exports: what a company says about its own CRM without
 * copying a built-in mapping — its stage labels onto the contract's stages, its role names onto
 * seller/manager/SDR, other names of a source's columns, its currency. Validated by zod; the
 * built-in mapping is extended in memory, never rewritten.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { extractByName } from '../contract/index.js';
import { columnsOf } from '../contract/derive.js';
import { MappingError, type LoadedMapping } from './load-mapping.js';
import type { ColumnSpec } from './schema.js';

export const OVERRIDES_FILE = 'mapping-overrides.yaml';

const enumOf = (extract: string, column: string) =>
  columnsOf(extractByName(extract)!).find((c) => c.name === column)!.enumValues as [string, ...string[]];

export const STAGES = enumOf('opportunities', 'stage');
export const ROLES = enumOf('sellers', 'role');

/** Which contract columns each kind of label maps onto. */
const TARGETS = {
  stages: [['opportunities', 'stage'], ['opportunity_stage_history', 'stage']],
  roles: [['sellers', 'role']],
} as const;

export const overridesSchema = z.strictObject({
  stages: z.record(z.string().min(1), z.enum(STAGES)).default({})
    .describe('Your stage labels (any case) → the contract\'s stage, e.g. "Démo faite": proposal'),
  roles: z.record(z.string().min(1), z.enum(ROLES)).default({})
    .describe('Your role or job title names (any case) → account_executive, sdr or manager'),
  aliases: z.record(z.string().min(1), z.record(z.string().min(1), z.array(z.string().min(1)).min(1))).default({})
    .describe('Per source of the mapping, other names of its columns: { deals: { Amount: [Montant HT] } }'),
  dateOrder: z.enum(['dmy', 'mdy']).optional()
    .describe('The order of day and month in your export\'s dates when it differs from the mapping\'s (a French Salesforce writes 15/03/2024: dmy)'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code in capitals, like EUR').optional()
    .describe('The company\'s reporting currency'),
});

export type Overrides = z.infer<typeof overridesSchema>;

/** The folder's overrides file, validated; undefined when there is none. */
export const readOverrides = (inputDir: string): Overrides | undefined => {
  const file = path.join(inputDir, OVERRIDES_FILE);
  if (!fs.existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new MappingError(`${file} is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = overridesSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new MappingError(`${file} is invalid:\n${parsed.error.issues.map((i) => `  ✖ ${i.path.join('.') || '(top level)'}: ${i.message}`).join('\n')}`);
  }
  return parsed.data;
};

/** A column spec whose value mapping also knows `extra` (which wins), matched in any case. */
const withValues = (spec: ColumnSpec, extra: Record<string, string>): ColumnSpec => {
  const object: Exclude<ColumnSpec, string> = typeof spec === 'string'
    ? { column: spec, optional: false, ignoreCase: true, unmapped: 'keep' }
    : spec;
  return { ...object, ignoreCase: true, values: { ...(object.values ?? {}), ...extra } };
};

/** The mapping extended by the overrides (a copy; the loaded mapping is not changed). */
export const applyOverrides = (mapping: LoadedMapping, overrides: Overrides): LoadedMapping => {
  const spec = structuredClone(mapping.spec);
  for (const [source, aliases] of Object.entries(overrides.aliases)) {
    const target = spec.sources[source];
    if (!target || target.sql) continue;
    for (const [canonical, names] of Object.entries(aliases)) target.aliases[canonical] = [...(target.aliases[canonical] ?? []), ...names];
  }
  for (const kind of ['stages', 'roles'] as const) {
    if (Object.keys(overrides[kind]).length === 0) continue;
    for (const [extract, column] of TARGETS[kind]) {
      const extractSpec = spec.extracts[extract as keyof typeof spec.extracts];
      if (!extractSpec) continue;
      for (const part of extractSpec.parts ?? [extractSpec]) {
        const columns = part.columns as Record<string, ColumnSpec> | undefined;
        if (columns?.[column] !== undefined) columns[column] = withValues(columns[column], overrides[kind]);
      }
    }
  }
  if (overrides.dateOrder) {
    // Every day/month format of the mapping is written in the company's order.
    const order = (f: string) => (overrides.dateOrder === 'dmy' ? f.replace(/%m([/.-])%d/g, '%d$1%m') : f.replace(/%d([/.-])%m/g, '%m$1%d'));
    for (const extractSpec of Object.values(spec.extracts)) {
      for (const part of extractSpec!.parts ?? [extractSpec!]) {
        for (const columnSpec of Object.values(part.columns ?? {})) {
          if (typeof columnSpec !== 'string' && columnSpec.format !== undefined) {
            columnSpec.format = Array.isArray(columnSpec.format) ? columnSpec.format.map(order) : order(columnSpec.format);
          }
        }
      }
    }
  }
  return { ...mapping, spec, ...(overrides.dateOrder ? { dateOrder: overrides.dateOrder } : {}) };
};

/** The labels the overrides can map, by extract and column, with the contract's values. */
export const LABEL_COLUMNS = [
  { extract: 'opportunities', column: 'stage', key: 'stages', accepted: STAGES },
  { extract: 'opportunity_stage_history', column: 'stage', key: 'stages', accepted: STAGES },
  { extract: 'sellers', column: 'role', key: 'roles', accepted: ROLES },
] as const;

/** The exact lines to add to the overrides file for labels the mapping does not know. */
export const overrideLines = (unknown: { key: string; value: string }[]): string[] => {
  const lines: string[] = [];
  for (const key of ['stages', 'roles'] as const) {
    const values = [...new Set(unknown.filter((u) => u.key === key).map((u) => u.value))];
    if (!values.length) continue;
    const accepted = key === 'stages' ? STAGES : ROLES;
    lines.push(`${key}:`, ...values.map((v) => `  ${JSON.stringify(v)}: ${accepted[0]}    # choose one of: ${accepted.join(', ')}`));
  }
  return lines;
};

/** Unknown sources named in the overrides' aliases: a typo would otherwise do nothing, silently. */
export const checkOverrideSources = (mappings: LoadedMapping[], overrides: Overrides, inputDir: string) => {
  const known = new Set(mappings.flatMap((m) => Object.keys(m.spec.sources)));
  const unknown = Object.keys(overrides.aliases).filter((s) => !known.has(s));
  if (unknown.length) {
    throw new MappingError(`${path.join(inputDir, OVERRIDES_FILE)}, aliases: ${unknown.join(', ')} is no source of ${mappings.map((m) => m.name).join(' + ')} ` +
      `(its sources: ${[...known].join(', ')}).`);
  }
};
