/**
 * `--mapping NAME_OR_FILE` for the CLI: maps the `--extracts` folder of exports into
 * `<dataDir>/mapped/`, prints what came in and what was written, and hands back the folder the
 * normal build then loads.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Settings } from '../config.js';
import { formatTable, type Reporter } from '../progress.js';
import { applyMapping, type MappingResult } from './apply.js';
import { MappingError } from './load-mapping.js';
import { overrideLines } from './overrides.js';
import { mappingSummaryRows } from './report.js';
import { unrecognisedLines } from './unrecognised.js';

export interface MapExportsOptions {
  mapping: string;
  /** The user's folder of exports (`--extracts`). */
  inputDir: string | undefined;
  settings: Settings;
  reporter: Reporter;
  write?: (line: string) => void;
  /** Read files the export folder links to from outside it (default: refuse). */
  allowOutsidePaths?: boolean;
}

/**
 * Moves a fresh mapping output over the previous one, leaving the files whose bytes did not change
 * untouched: their unchanged modification time is what lets the next build skip them.
 */
const replaceChangedFiles = (fromDir: string, toDir: string) => {
  const files = (dir: string) => (fs.existsSync(dir)
    ? fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    : []);
  const fresh = new Set(files(fromDir));
  for (const stale of files(toDir).filter((f) => !fresh.has(f))) fs.rmSync(path.join(toDir, stale));
  for (const file of fresh) {
    const from = path.join(fromDir, file);
    const to = path.join(toDir, file);
    if (fs.existsSync(to) && fs.readFileSync(to).equals(fs.readFileSync(from))) continue;
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.renameSync(from, to);
  }
  fs.rmSync(fromDir, { recursive: true, force: true });
};

export const mapExports = async (options: MapExportsOptions): Promise<MappingResult> => {
  const { reporter } = options;
  const write = options.write ?? ((line: string) => console.log(line));
  if (!options.inputDir) throw new MappingError('--mapping needs --extracts DIR: the folder holding your exports.');
  const outDir = path.resolve(options.settings.dataDir, 'mapped');
  const nextDir = `${outDir}.next`;
  fs.rmSync(nextDir, { recursive: true, force: true });
  const mapped = await reporter.step(`map ${options.mapping} exports`, () =>
    applyMapping({ inputDir: options.inputDir!, mapping: options.mapping, outDir: nextDir, asOf: options.settings.referenceDay, allowOutsidePaths: options.allowOutsidePaths }));
  replaceChangedFiles(nextDir, outDir);
  const result = { ...mapped, outDir };
  // How values a spreadsheet re-wrote were read (day-first dates, decimal commas): said, never silent.
  const readings = result.sources.flatMap((s) => s.readings ?? []);
  if (readings.length) {
    write('\nValues read as the file writes them:');
    for (const line of readings.slice(0, 12)) write(`  ${line}`);
    if (readings.length > 12) write(`  … and ${readings.length - 12} more column(s) (all in ${path.join(outDir, '_mapping', 'report.json')}, "readings")`);
  }
  write('\nRows per mapped extract');
  write(formatTable(mappingSummaryRows(result)));
  if (result.rejects.length) {
    write(`\n${result.rejects.length} row(s) rejected by the mapping (see audit.mapping_rejects), e.g.:`);
    for (const r of result.rejects.slice(0, 5)) write(`  ${r.extract} ${r.source_file} row ${r.row_number}, ${r.column_name}: ${r.reason}`);
  }
  for (const n of result.notices) write(`${n.mapping}: ${n.notice}`);
  // Partial exports are normal; each absent source is said once, so nothing is left out silently.
  for (const a of result.absentExtracts) write(`Not in the folder: ${a.extract} (${a.mapping} ${a.because.join('; ')}), so not provided.`);
  // A file no source reads is named with its closest source and the way to a mapping for it.
  if (result.unrecognisedFiles.length) write('');
  for (const line of unrecognisedLines(result.unrecognisedFiles.slice(0, 5), result.mappings.map((m) => m.name), options.inputDir)) write(line);
  if (result.unrecognisedFiles.length > 5) write(`… and ${result.unrecognisedFiles.length - 5} more file(s) not read (see ${path.join(outDir, '_mapping', 'report.json')}).`);
  if (result.unknownLabels.length) {
    write(`\nLabels the mapping does not know (their rows are rejected): ${result.unknownLabels.map((u) => `${u.extract}.${u.column} "${u.value}" (${u.rows} row(s))`).join(', ')}.`);
    write(`Say what they mean in ${result.overridesFile} (create it if needed), then run again:`);
    for (const line of overrideLines(result.unknownLabels)) write(`  ${line}`);
  }
  write(`Not provided: ${result.notProvided.join(', ') || '(none)'}\n`);
  return result;
};
