/**
 * The contract's documentation page, rendered from the zod schemas (never edited by hand).
 * `npm run contract:docs` rewrites pipelines/contract/README.md; a test fails when it is stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { columnsOf, type ColumnSpec } from './derive.js';
import { EXTRACTS } from './index.js';

const escape = (text: string) => text.replaceAll('|', '\\|');

const ruleOf = (c: ColumnSpec): string => {
  const parts: string[] = [];
  if (c.enumValues) parts.push(`one of ${c.enumValues.map((v) => `\`${v}\``).join(', ')}`);
  if (c.minimum !== undefined) parts.push(`≥ ${c.minimum}`);
  if (c.maximum !== undefined) parts.push(`≤ ${c.maximum}`);
  if (c.references) parts.push(`→ \`${c.references.extract}\``);
  if (c.notInFuture) parts.push('not in the future');
  if (c.personal) parts.push('personal data, never published');
  if (c.currency) parts.push('ISO 4217 code; empty means the reporting currency');
  if (c.mayBeAbsent) parts.push('the file may omit the column');
  if (c.onMissing === 'flag') parts.push('a missing value loads as NULL (a placeholder in staging), the row flagged; an unknown value is rejected');
  if (c.onInvalid === 'flag') parts.push(`descriptive: a missing or invalid value loads as ${c.duckdbType === 'VARCHAR' && !c.references ? '"(non renseigné)"' : 'NULL'}, the row flagged`);
  return parts.join('; ');
};

export const renderContractDocs = (): string => {
  const lines = [
    '# Source contract',
    '',
    '<!-- Generated from pipelines/contract/*.ts by `npm run contract:docs`; do not edit by hand. -->',
    '',
    'Every extract the product loads, with its columns, types and rules. A folder of extracts holds one file per',
    'extract, named `<extract>.csv` or `<extract>.parquet` (or a `<extract>/` folder of Parquet files); the header',
    'must carry these column names (any order, case-insensitive; extra columns are ignored). Empty cells are',
    'missing values. A row that cannot be used (missing or duplicate key, unreadable amount or date the KPIs',
    'need, unknown parent it belongs to) is not loaded: it goes to `audit.rejects` with the reason and the',
    'money it carries. A descriptive value that is missing or invalid does not cost the row: it is loaded as an',
    'explicit unknown and the row is recorded in `audit.flags`. `reject:` in `extracts.yaml` tightens a',
    'descriptive column back to rejecting. Money is read in each row\'s currency and converted with `fx_rates`',
    'or `currency.rates` of `extracts.yaml`; an amount with no rate is held out, never summed as the company\'s.',
    'Every CSV record has as many fields as its header has columns: a record with more or fewer is malformed and',
    'rejected on its line (a value left out would shift the next ones into the wrong columns), unless',
    '`padShortRecords: true` in `extracts.yaml` says a short record only lacks its last fields: they then load as',
    'unknown and the record is flagged.',
    '',
    '| extract | system | one row per | key | core |',
    '|---|---|---|---|---|',
    ...EXTRACTS.map((e) => `| [\`${e.name}\`](#${e.name.replaceAll('_', '-')}) | ${e.system} | ${escape(e.description)} | ${e.key.join(', ')} | ${'core' in e && e.core ? 'yes' : 'no'} |`),
    '',
    'Core extracts are always required. Any other extract may be declared absent (`notProvided:` in',
    '`extracts.yaml`): it loads empty and the KPIs that need it are marked unavailable.',
  ];
  for (const extract of EXTRACTS) {
    lines.push('', `## ${extract.name.replaceAll('_', '-')}`, '', `${extract.description} System: ${extract.system}. Key: ${extract.key.join(' + ')}.`, '');
    lines.push('| column | type | required | rules | meaning |', '|---|---|---|---|---|');
    for (const c of columnsOf(extract)) {
      lines.push(`| \`${c.name}\` | ${c.duckdbType} | ${c.required ? 'yes' : 'no'} | ${escape(ruleOf(c))} | ${escape(c.description)} |`);
    }
    const rules = [...(extract.rules ?? []), ...(extract.crossRules ?? [])];
    if ('optional' in extract && extract.optional) lines.push('', 'Optional: a folder without this file simply does not provide it.');
    if ('wholeWith' in extract && extract.wholeWith) lines.push('', `A rejected row holds its whole \`${extract.wholeWith.parent}\` row out, with its other rows: nothing is published partially.`);
    if (rules.length) {
      lines.push('', 'Row rules:', '', ...rules.map((r) => `- \`${r.check}\` — otherwise ${'onInvalid' in r && r.onInvalid === 'flag' ? 'flagged, with' : 'rejected on'} \`${r.column}\`${'onInvalid' in r && r.onInvalid === 'flag' ? ' set to NULL' : ''}: *${r.reason}*`));
    }
  }
  return `${lines.join('\n')}\n`;
};

export const CONTRACT_DOCS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'README.md');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(CONTRACT_DOCS, renderContractDocs());
  console.log(`wrote ${path.relative(process.cwd(), CONTRACT_DOCS)}`);
}
