/**
 * `--mapping NAME_OR_FILE` for the CLI: maps the `--extracts` folder of exports into
 * `<dataDir>/mapped/`, prints what came in and what was written, and hands back the folder the
 * normal build then loads.
 */
import path from 'node:path';
import type { Settings } from '../config.js';
import { formatTable, type Reporter } from '../progress.js';
import { applyMapping, type MappingResult } from './apply.js';
import { MappingError } from './load-mapping.js';
import { mappingSummaryRows } from './report.js';

export interface MapExportsOptions {
  mapping: string;
  /** The user's folder of exports (`--extracts`). */
  inputDir: string | undefined;
  settings: Settings;
  reporter: Reporter;
  write?: (line: string) => void;
}

export const mapExports = async (options: MapExportsOptions): Promise<MappingResult> => {
  const { reporter } = options;
  const write = options.write ?? ((line: string) => console.log(line));
  if (!options.inputDir) throw new MappingError('--mapping needs --extracts DIR: the folder holding your exports.');
  const outDir = path.resolve(options.settings.dataDir, 'mapped');
  const result = await reporter.step(`map ${options.mapping} exports`, () =>
    applyMapping({ inputDir: options.inputDir!, mapping: options.mapping, outDir }));
  write('\nRows per mapped extract');
  write(formatTable(mappingSummaryRows(result)));
  if (result.rejects.length) {
    write(`\n${result.rejects.length} row(s) rejected by the mapping (see audit.mapping_rejects), e.g.:`);
    for (const r of result.rejects.slice(0, 5)) write(`  ${r.extract} ${r.source_file} row ${r.row_number}, ${r.column_name}: ${r.reason}`);
  }
  write(`Not provided: ${result.notProvided.join(', ') || '(none)'}\n`);
  return result;
};
