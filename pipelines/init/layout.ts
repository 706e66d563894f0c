/**
 * What a folder holds: extracts in the source contract's layout (files named after the extracts,
 * as the loader finds them), or a vendor's exports that built-in mappings recognise (by file name
 * and, where a source says `requires:`, by the headers, as recognise.ts does), and the data files
 * neither explains, each with the built-in mapping closest to reading it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EXTRACTS } from '../contract/index.js';
import { columnsOf } from '../contract/derive.js';
import { literal, type Database } from '../db/duckdb.js';
import { prepareCsv, releaseCsv } from '../load/csv-input.js';
import type { ExtractsConfig } from '../load/extracts-config.js';
import { locateExtract, type LocatedExtract } from '../load/read.js';
import { builtinMappings, readMappingFile, BUILTIN_DIR, type LoadedMapping } from '../mapping/load-mapping.js';
import { matchFiles } from '../mapping/files.js';
import { missingRequired } from '../mapping/recognise.js';
import type { Source } from '../mapping/schema.js';
import { fileFormatOf } from '../text/encoding.js';

export interface Unrecognised {
  file: string;
  /** The built-in mapping source whose required headers the file comes closest to holding. */
  closest?: { mapping: string; source: string; lacks: string[]; holds: string };
}

export type Layout =
  | { kind: 'contract'; located: LocatedExtract[] }
  | { kind: 'vendor'; mappings: { mapping: LoadedMapping; files: Map<string, string[]> }[] }
  | { kind: 'none' };

export interface FolderLayout {
  layout: Layout;
  /** Data files (relative to the folder) no extract or mapping takes. */
  unrecognised: Unrecognised[];
}

/** Headers of a data file as the loader reads them (encoding, delimiter, skipped preamble), cached. */
const headerReader = (db: Database, dir: string, scratchDir: string) => {
  const cache = new Map<string, Promise<string[] | undefined>>();
  const read = async (rel: string, source?: Source): Promise<string[] | undefined> => {
    const full = path.join(dir, rel);
    try {
      if (fileFormatOf(full) === 'parquet') {
        return (await db.query<{ column_name: string }>(`DESCRIBE SELECT * FROM read_parquet(${literal(full)})`)).map((d) => d.column_name);
      }
      const prepared = await prepareCsv(full, {
        delimiter: source?.delimiter ?? 'auto', encoding: source?.encoding ?? 'auto', skipLines: source?.skipLines ?? 0,
        scratchDir: path.join(scratchDir, `h${cache.size}`),
      });
      releaseCsv(prepared);
      return prepared.header.map((h) => h.replace(/^\uFEFF/, '').trim());
    } catch {
      return undefined; // unreadable here: the build will say why, with the loader's message
    }
  };
  return (rel: string, source?: Source) => {
    const key = JSON.stringify([rel, source?.delimiter, source?.encoding, source?.skipLines]);
    if (!cache.has(key)) cache.set(key, read(rel, source));
    return cache.get(key)!;
  };
};

const patternsOf = (source: Source) => (typeof source.files === 'string' ? [source.files] : source.files ?? []);

/** The files each file source of a mapping takes in `dir` (by name, then by required headers). */
const recognise = async (mapping: LoadedMapping, dir: string, headers: ReturnType<typeof headerReader>) => {
  const files = new Map<string, string[]>();
  for (const [name, source] of Object.entries(mapping.spec.sources)) {
    if (source.sql) continue;
    const own: string[] = [];
    for (const rel of matchFiles(dir, patternsOf(source))) {
      if (!source.requires) { own.push(rel); continue; }
      const columns = await headers(rel, source);
      if (columns && missingRequired(source, columns).length === 0) own.push(rel);
    }
    if (own.length) files.set(name, own);
  }
  return files;
};

/**
 * What a file comes closest to: the built-in mapping source whose required headers it holds the
 * largest share of, or the contract extract whose columns it holds the largest share of.
 */
const closestSource = (mappings: LoadedMapping[], columns: string[]): Unrecognised['closest'] => {
  let best: (NonNullable<Unrecognised['closest']> & { held: number; share: number }) | undefined;
  // Most columns held first (a file holding 7 of an extract's columns is closer to it than to a
  // source needing 2 of 3), then the larger share.
  const consider = (candidate: Omit<NonNullable<Unrecognised['closest']>, 'holds'>, wanted: number) => {
    const held = wanted - candidate.lacks.length;
    const share = held / wanted;
    if (held > 0 && (!best || held > best.held || (held === best.held && share > best.share))) best = { ...candidate, holds: `${held} of ${wanted}`, held, share };
  };
  for (const mapping of mappings) {
    for (const [name, source] of Object.entries(mapping.spec.sources)) {
      if (source.requires?.length) consider({ mapping: mapping.name, source: `sources.${name}`, lacks: missingRequired(source, columns) }, source.requires.length);
    }
  }
  const have = new Set(columns.map((c) => c.trim().toLowerCase()));
  for (const extract of EXTRACTS) {
    const wanted = columnsOf(extract).filter((c) => !c.mayBeAbsent).map((c) => c.name);
    consider({ mapping: 'the source contract', source: `extract ${extract.name}`, lacks: wanted.filter((w) => !have.has(w)) }, wanted.length);
  }
  return best && { mapping: best.mapping, source: best.source, lacks: best.lacks, holds: best.holds };
};

const isFxRates = (rel: string) => /^fx_rates\./i.test(path.basename(rel));

/**
 * What the folder holds. `chosen`: the mappings the user named (--mapping), which are then taken
 * as the layout without guessing.
 */
export const findLayout = async (db: Database, dir: string, config: ExtractsConfig, scratchDir: string, chosen?: LoadedMapping[]): Promise<FolderLayout> => {
  const headers = headerReader(db, dir, scratchDir);
  const dataFiles = matchFiles(dir, ['**/*']).filter((f) => fileFormatOf(f) && !f.split('/').some((part) => part.startsWith('.')));
  const builtins = builtinMappings().map((name) => readMappingFile(path.join(BUILTIN_DIR, `${name}.yaml`)));
  const unrecognisedOf = async (taken: Set<string>) => {
    const out: Unrecognised[] = [];
    for (const rel of dataFiles.filter((f) => !taken.has(f))) {
      const columns = await headers(rel);
      out.push({ file: rel, closest: columns ? closestSource(builtins, columns) : undefined });
    }
    return out;
  };

  if (chosen) {
    const mappings = [];
    for (const mapping of chosen) mappings.push({ mapping, files: await recognise(mapping, dir, headers) });
    const taken = new Set([...mappings.flatMap((m) => [...m.files.values()].flat()), ...dataFiles.filter(isFxRates)]);
    return { layout: { kind: 'vendor', mappings }, unrecognised: await unrecognisedOf(taken) };
  }

  // A file named after an extract is one only when it holds the extract's columns (a vendor's
  // accounts.csv is not the contract's).
  const located: LocatedExtract[] = [];
  for (const extract of EXTRACTS) {
    const found = locateExtract(dir, extract, config);
    if (!found) continue;
    const wanted = columnsOf(extract).filter((c) => !c.mayBeAbsent).map((c) => c.name);
    let fits = true;
    for (const file of found.files) {
      const columns = (await headers(path.relative(dir, file)))?.map((c) => c.toLowerCase());
      if (!columns || wanted.some((w) => !columns.includes(w))) fits = false;
    }
    if (fits) located.push(found);
  }
  if (located.length > 0) {
    const taken = new Set(located.flatMap((l) => l.files.map((f) => path.relative(dir, f).split(path.sep).join('/'))));
    return { layout: { kind: 'contract', located }, unrecognised: await unrecognisedOf(taken) };
  }

  // Each file goes to the mapping recognising the most files; a mapping is kept when it takes a file no better one took.
  const scored = [];
  for (const mapping of builtins) scored.push({ mapping, files: await recognise(mapping, dir, headers) });
  scored.sort((a, b) => count(b.files) - count(a.files));
  const taken = new Set<string>();
  const mappings = [];
  for (const s of scored) {
    const own = [...s.files.values()].flat();
    if (own.length === 0 || own.every((f) => taken.has(f))) continue;
    mappings.push(s);
    for (const f of own) taken.add(f);
  }
  for (const f of dataFiles.filter(isFxRates)) taken.add(f);
  return { layout: mappings.length ? { kind: 'vendor', mappings } : { kind: 'none' }, unrecognised: await unrecognisedOf(taken) };
};

const count = (files: Map<string, string[]>) => new Set([...files.values()].flat()).size;

export const isDirectory = (dir: string) => fs.existsSync(dir) && fs.statSync(dir).isDirectory();
