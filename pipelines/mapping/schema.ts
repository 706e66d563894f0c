/**
 * The shape of a mapping file: how a user's export (files in their own layout) becomes the
 * contract's extracts. Validated by zod; the checks that need the contract (column names,
 * accepted values) live in `check-mapping.ts` so every problem is reported with its key path.
 */
import { z } from 'zod';
import { EXTRACTS } from '../contract/index.js';

const extractNames = EXTRACTS.map((e) => e.name) as [string, ...string[]];

/** Source and alias names are used unquoted in SQL, so they must be plain identifiers. */
const sqlName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain name (letters, digits, _; not starting with a digit)');

const globs = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .describe('File name or glob pattern(s) within the input folder (* ? ** {a,b}; case-insensitive)');

export const sourceSchema = z.strictObject({
  files: globs.optional(),
  sql: z.string().min(1).optional()
    .describe('A derived source: a DuckDB SELECT over the sources declared before it'),
  format: z.enum(['auto', 'csv', 'parquet']).default('auto')
    .describe('auto: by file extension (.csv/.txt/.tsv[.gz] or .parquet)'),
  delimiter: z.enum(['auto', ',', ';', '\t', '|']).default('auto'),
  encoding: z.enum(['auto', 'utf-8', 'windows-1252', 'utf-16']).default('auto')
    .describe('auto decides per file: UTF-16 (with a BOM, or without one by its NUL bytes), else UTF-8 unless invalid bytes outnumber UTF-8 characters, else Windows-1252'),
  skipLines: z.int().min(0).default(0)
    .describe('Lines before the header row (report titles, date ranges)'),
  aliases: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).default({})
    .describe('Other names of a column, per canonical name: { Day: [Jour, Día, Tag] }. A header cell equal (trimmed, any case) to an alias is renamed to the canonical name, so SQL and column references use that name whatever the export\'s language; two headers of one canonical name in a file are an error'),
  requires: z.array(z.string().min(1)).min(1).optional()
    .describe('Headers (canonical names or aliases) a file must hold to belong to this source: files: then only narrows the candidates (e.g. "**/*.csv"), so downloads keep their own names (report1716812345678.csv). A file that fits two sources is an error'),
  optionalColumns: z.array(z.string().min(1)).default([])
    .describe('Columns some exports of this kind lack (e.g. "Associated Company IDs (Primary)" in newer HubSpot portals only): a file without one gets it empty, so SQL may name it. Only for columns whose absence is normal'),
  description: z.string().optional(),
}).superRefine((source, ctx) => {
  if (source.sql !== undefined && (source.requires || source.optionalColumns.length || Object.keys(source.aliases).length)) {
    ctx.addIssue({ code: 'custom', message: 'aliases:, requires: and optionalColumns: apply to file sources only' });
  }
  if ((source.files === undefined) === (source.sql === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'give exactly one of files: (glob patterns) or sql: (a derived source)' });
  }
});

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const columnObjectSchema = z.strictObject({
  column: z.string().min(1).optional().describe('Source column name, as in the header (spaces and case as exported)'),
  optional: z.boolean().default(false)
    .describe('The export may lack the column (e.g. a currency column only multi-currency accounts export): then every value is empty'),
  sql: z.string().min(1).optional().describe('DuckDB SQL expression over the source columns; {{column}} reads another contract column\'s mapped value'),
  value: scalar.optional().describe('A constant for every row'),
  values: z.record(z.string(), scalar).optional()
    .describe('Value mapping: source value → contract value (matched on the trimmed text)'),
  ignoreCase: z.boolean().default(false).describe('Match values: keys case-insensitively'),
  unmapped: z.enum(['keep', 'reject']).default('keep')
    .describe('A value not in values: keep passes it through unchanged (the loader rejects it when the column has accepted values); reject holds the row back with a reason'),
  format: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional()
    .describe('strptime format(s) of a date or timestamp, e.g. "%m/%d/%Y"; values that match none are passed through unchanged'),
  decimal: z.enum(['.', ',', 'auto']).optional().describe('Decimal mark of a number in the source; auto: decided per file from the values'),
  multiply: z.number().optional().describe('Scale a number, e.g. 1000000 for "in millions"'),
  divide: z.number().refine((n) => n !== 0, 'cannot divide by 0').optional().describe('Scale a number, e.g. 100 for cents'),
});

export type ColumnObject = z.infer<typeof columnObjectSchema>;

/** A plain string is a source column name (a rename); objects say more. */
export const columnSpecSchema = z.union([z.string().min(1), columnObjectSchema], {
  error: 'expected a source column name, or an object with one of column:, sql:, value:',
});

export type ColumnSpec = z.infer<typeof columnSpecSchema>;

const joinSchema = z.strictObject({
  source: sqlName,
  as: sqlName.optional().describe('Alias in SQL; default the source name'),
  on: z.string().min(1).describe('Join condition (a LEFT JOIN that must match at most one row)'),
  flag: z.string().min(1).optional()
    .describe('Contract column this lookup checks, e.g. product_line against a products list: a row it finds nothing for loads with the value as written, flagged as not in the list'),
});

const rejectRuleSchema = z.strictObject({
  when: z.string().min(1).describe('SQL condition: rows where it is TRUE are held back'),
  column: z.string().min(1).describe('Contract column the reject is reported on'),
  reason: z.string().min(1),
});

const partFields = {
  from: sqlName.describe('Source the rows come from: one output row per source row'),
  join: z.array(joinSchema).default([]),
  where: z.string().min(1).optional().describe('Keep only rows where this SQL condition is TRUE; the others are counted as filtered'),
  reject: z.array(rejectRuleSchema).default([]),
  distinct: z.boolean().default(false).describe('Collapse identical output rows (counted as merged)'),
  columns: z.record(z.string(), columnSpecSchema),
};

export const partSchema = z.strictObject(partFields);
export type Part = z.infer<typeof partSchema>;

export const extractSpecSchema = z.strictObject({
  description: z.string().optional(),
  from: partFields.from.optional(),
  join: partFields.join.optional(),
  where: partFields.where,
  reject: partFields.reject.optional(),
  distinct: z.boolean().optional(),
  columns: partFields.columns.optional(),
  parts: z.array(partSchema).min(1).optional().describe('Several sources appended (UNION ALL) into one extract'),
}).superRefine((spec, ctx) => {
  const single = spec.from !== undefined || spec.columns !== undefined;
  if (spec.parts && single) ctx.addIssue({ code: 'custom', message: 'give either parts: or from:/columns:, not both' });
  if (!spec.parts && (spec.from === undefined || spec.columns === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'needs from: (a source name) and columns:, or parts:' });
  }
});

export type ExtractSpec = z.infer<typeof extractSpecSchema>;

export const mappingSchema = z.strictObject({
  name: z.string().min(1).optional().describe('Default: the file name'),
  description: z.string().optional(),
  sources: z.record(sqlName, sourceSchema).refine((s) => Object.keys(s).length > 0, 'declare at least one source'),
  extracts: z.partialRecord(z.enum(extractNames), extractSpecSchema),
  notProvided: z.array(z.enum(extractNames)).default([])
    .describe('Extracts this export does not have (documentation; anything not mapped is not provided)'),
  notices: z.array(sqlName).default([])
    .describe('Derived sources whose rows are lines the run prints (a `notice` column): what the mapping could read but not link, e.g. activities naming no single deal'),
}).superRefine((mapping, ctx) => {
  for (const [i, name] of mapping.notices.entries()) {
    if (!mapping.sources[name]?.sql) ctx.addIssue({ code: 'custom', path: ['notices', i], message: `"${name}" is not a derived source (sql:) of this mapping` });
  }
});

export type MappingFile = z.infer<typeof mappingSchema>;
export type Source = z.infer<typeof sourceSchema>;

/** An extract's parts, whether written as one part or as parts:. */
export const partsOf = (spec: ExtractSpec): Part[] =>
  spec.parts ?? [{
    from: spec.from!,
    join: spec.join ?? [],
    where: spec.where,
    reject: spec.reject ?? [],
    distinct: spec.distinct ?? false,
    columns: spec.columns!,
  }];
