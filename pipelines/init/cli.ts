/**
 * `npm run init -- --extracts DIR [--mapping NAME[,NAME]] [--force]`: looks at a folder of
 * extracts or vendor exports, prints what it found, writes a commented kpi-settings.yaml (and,
 * where the data proves it, extracts.yaml or mapping-overrides.yaml keys) beside them, asks what
 * the data cannot answer, and prints the build command to run next.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { inspectFolder, type Findings } from './inspect.js';
import { MONTHS } from './fiscal-year.js';
import { renderInitSettings } from './settings-file.js';
import { writeExtractsKeys, writeOverrideKeys, writeSettingsFile, type WriteOutcome } from './write-files.js';

export interface InitOptions {
  extracts: string;
  mapping?: string;
  force?: boolean;
  write?: (line: string) => void;
}

export interface InitResult {
  findings: Findings;
  written: WriteOutcome[];
  buildCommand: string;
}

const quoteArg = (s: string) => (/^[\w./@:-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`);

const report = (f: Findings, extractsArg: string, write: (line: string) => void) => {
  write(`Folder ${f.dir}`);
  write(f.layout === 'contract' ? 'Layout: extracts in the source contract\'s layout (docs/loading.md)'
    : f.layout === 'vendor' ? `Layout: vendor exports, read by the built-in mapping${f.mappings.length > 1 ? 's' : ''} ${f.mappings.join(', ')}`
      : 'Layout: not recognised (neither contract extracts nor a built-in mapping\'s exports)');
  if (f.recognised.length) {
    write('Files recognised:');
    for (const r of f.recognised) write(`  ${r.file}: ${r.as}`);
  }
  if (f.unrecognised.length) {
    write('Files not recognised:');
    for (const u of f.unrecognised) {
      write(`  ${u.file}: ${u.closest
        ? `closest: ${u.closest.mapping}, ${u.closest.source} (it holds ${u.closest.holds} of the columns needed; lacks ${u.closest.lacks.map((c) => `"${c}"`).join(', ')})`
        : 'holds none of the columns a built-in mapping or the source contract needs'}`);
    }
    write(`  To read them, draft a mapping: npm run mapping:init -- --extracts ${quoteArg(extractsArg)}`);
  }
  write('Currencies of the money columns:');
  if (f.currencies.length === 0) write('  (no money column with a currency)');
  const byCurrency = new Map<string, { rows: number; where: Set<string> }>();
  for (const c of f.currencies) {
    const key = c.currency ?? `none stated (read in the reporting currency, ${f.reporting})`;
    const entry = byCurrency.get(key) ?? { rows: 0, where: new Set() };
    entry.rows += c.rows;
    entry.where.add(c.where);
    byCurrency.set(key, entry);
  }
  for (const [currency, e] of byCurrency) write(`  ${currency}: ${e.rows} row(s) (${[...e.where].join(', ')})`);
  write(`  Reporting currency: ${f.provenCurrency ? `${f.provenCurrency} (proven: every amount states it)` : f.reporting}`);
  write('Dates (order of slash dates per column):');
  for (const d of f.dates) write(`  ${d.where}, ${d.column}: ${d.verdict}`);
  if (f.first && f.last) write(`First date ${f.first.date} (${f.first.where}); last date ${f.last.date} (${f.last.where})`);
  else write('First and last dates: none can be named yet (no date read, or only slash dates whose order is a question below)');
  if (f.spend) write(`Marketing spend: ${f.spend.rows} row(s), ${f.spend.unsegmented} carried by no segment (shared out as cac.unallocatedSpend says)`);
  const e = f.fiscalYear;
  write(e.month
    ? `Fiscal year: starts in ${MONTHS[e.month - 1]} (fiscalYearFirstMonth ${e.month}), ${e.strength} evidence: ${e.because}`
    : `Fiscal year: ${e.strength === 'none' ? 'no evidence' : 'weak evidence only'}: calendar year assumed (${e.because})`);
  for (const n of f.notes) write(`Note: ${n}`);
};

export const runInit = async (options: InitOptions): Promise<InitResult> => {
  const write = options.write ?? ((line: string) => console.log(line));
  const findings = await inspectFolder(options.extracts, { mapping: options.mapping });
  report(findings, options.extracts, write);
  const written: WriteOutcome[] = [];
  written.push(writeSettingsFile(findings.dir, renderInitSettings(findings), options.force ?? false));
  const extracts = writeExtractsKeys(findings.dir, findings.extractsYaml);
  if (extracts) written.push(extracts);
  const overrides = writeOverrideKeys(findings.dir, findings.overrides);
  if (overrides) written.push(overrides);
  write('');
  for (const w of written) {
    write(w.written ? `Wrote ${w.file}${w.backup ? ` (the previous one kept as ${w.backup})` : ''}` : `Not written: ${w.reason}`);
  }
  for (const k of [...findings.extractsYaml, ...findings.overrides]) write(`  ${k.path.join('.')}: ${JSON.stringify(k.value)} (${k.because})`);
  if (findings.questions.length) {
    write('\nQuestions the data cannot answer (nothing was written for them):');
    for (const q of findings.questions) write(`  - ${q}`);
  }
  // The user's own --mapping (a file, say) is repeated as given.
  const mapping = findings.layout === 'vendor' ? ` --mapping ${quoteArg(options.mapping ?? findings.mappings.join(','))}` : findings.layout === 'none' ? ' --mapping YOUR_MAPPING.yaml' : '';
  const buildCommand = `npm run build -- --extracts ${quoteArg(options.extracts)}${mapping}`;
  if (findings.layout === 'none') {
    write('\nNo file is read yet: draft a mapping for these exports, review it, then build with it:');
    write(`  npm run mapping:init -- --extracts ${quoteArg(options.extracts)} --out YOUR_MAPPING.yaml`);
  } else write('\nThe settings file marks the choices the data cannot make with "TO DECIDE": read them, then build:');
  write(`  ${buildCommand}`);
  return { findings, written, buildCommand };
};

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { extracts: { type: 'string' }, mapping: { type: 'string' }, force: { type: 'boolean' } } });
  if (!values.extracts) {
    console.error('Usage: npm run init -- --extracts DIR [--mapping NAME[,NAME]] [--force]');
    process.exit(2);
  }
  runInit({ extracts: values.extracts, mapping: values.mapping, force: values.force }).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
