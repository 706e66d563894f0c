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
    'missing values. Rows breaking a rule are not loaded: they go to `audit.rejects` with the reason.',
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
    if (rules.length) {
      lines.push('', 'Row rules:', '', ...rules.map((r) => `- \`${r.check}\` — otherwise rejected on \`${r.column}\`: *${r.reason}*`));
    }
  }
  return `${lines.join('\n')}\n`;
};

export const CONTRACT_DOCS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'README.md');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(CONTRACT_DOCS, renderContractDocs());
  console.log(`wrote ${path.relative(process.cwd(), CONTRACT_DOCS)}`);
}
