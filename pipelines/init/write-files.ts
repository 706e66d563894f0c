/**
 * Writing what `npm run init` decided beside the extracts. The settings file is never replaced
 * without --force (then the previous one is kept as .bak); extracts.yaml and mapping-overrides.yaml
 * only gain the keys the data proves, each with a comment saying why, the rest of the file (and
 * its comments) kept, the previous version kept as .bak.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML, { isMap, isScalar, type Pair } from 'yaml';
import { readExtractsConfig, CONFIG_FILE } from '../load/extracts-config.js';
import { OVERRIDES_FILE, readOverrides } from '../mapping/overrides.js';
import { COMPANY_SETTINGS_FILE } from '../models/kpi-settings.js';

export interface KeyToWrite {
  path: (string | number)[];
  value: unknown;
  because: string;
}

export type WriteOutcome = { file: string; written: boolean; backup?: string; reason?: string };

const backup = (file: string) => {
  const bak = `${file}.bak`;
  fs.copyFileSync(file, bak);
  return bak;
};

/** Writes the KPI settings file unless one is there (then only with `force`, keeping a .bak). */
export const writeSettingsFile = (dir: string, text: string, force: boolean): WriteOutcome => {
  const file = path.join(dir, COMPANY_SETTINGS_FILE);
  if (fs.existsSync(file) && !force) return { file, written: false, reason: `${file} already exists: left as it is (--force replaces it, keeping a .bak)` };
  const bak = fs.existsSync(file) ? backup(file) : undefined;
  fs.writeFileSync(file, text);
  return { file, written: true, backup: bak };
};

/** Adds keys to a YAML file (created with `header` when absent), each commented with its reason. */
const writeKeys = (file: string, keys: KeyToWrite[], header: string[], validate: () => void): WriteOutcome | undefined => {
  if (keys.length === 0) return undefined;
  const existed = fs.existsSync(file);
  const doc = existed ? YAML.parseDocument(fs.readFileSync(file, 'utf8')) : new YAML.Document({});
  if (!existed) doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
  for (const key of keys) {
    doc.setIn(key.path, doc.createNode(key.value, { flow: true }));
    const parent = doc.getIn(key.path.slice(0, -1), true) ?? doc.contents;
    if (!isMap(parent)) continue;
    const last = key.path[key.path.length - 1];
    const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === last) as Pair<unknown, unknown> | undefined;
    if (!pair) continue;
    if (!isScalar(pair.key)) pair.key = doc.createNode(pair.key);
    (pair.key as { commentBefore?: string }).commentBefore = ` Written by npm run init: ${key.because}`;
  }
  const bak = existed ? backup(file) : undefined;
  fs.writeFileSync(file, doc.toString({ lineWidth: 0 }));
  validate();
  return { file, written: true, backup: bak };
};

export const writeExtractsKeys = (dir: string, keys: KeyToWrite[]) =>
  writeKeys(path.join(dir, CONFIG_FILE), keys, ['How to read the extracts of this folder (see docs/loading.md, "Loading real extracts").'], () => readExtractsConfig(dir));

export const writeOverrideKeys = (dir: string, keys: KeyToWrite[]) =>
  writeKeys(path.join(dir, OVERRIDES_FILE), keys, ['What this company\'s exports say differently from the built-in mapping (pipelines/mapping/README.md).'], () => readOverrides(dir));
