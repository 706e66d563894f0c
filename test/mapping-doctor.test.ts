/**
 * What a new user sees when their export does not fit: a core file not recognised (the closest
 * file and the columns it lacks), labels the mapping does not know (the exact overrides lines),
 * two headers naming one column; and the overrides file fixing each without copying the mapping.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyMapping } from '../pipelines/mapping/apply.js';
import { overrideLines } from '../pipelines/mapping/overrides.js';
import { tempDir } from './helpers/load.js';
import { closeMapped, mapAndLoad } from './helpers/map-and-load.js';

afterAll(closeMapped);

const PARTIAL = path.resolve(import.meta.dirname, 'fixtures/exports/hubspot-partial');
const DEALS = 'hubspot-crm-exports-my-deals-view-2024-06-30.csv';

/** The partial HubSpot folder, its deals file edited by `edit`. */
const folder = (edit: (csv: string) => string) => {
  const dir = tempDir('bi-doctor-');
  fs.cpSync(PARTIAL, dir, { recursive: true });
  const deals = path.join(dir, DEALS);
  fs.writeFileSync(deals, edit(fs.readFileSync(deals, 'utf8')));
  return dir;
};
const run = (dir: string) => applyMapping({ inputDir: dir, mapping: 'hubspot', outDir: path.join(tempDir('bi-doctor-out-'), 'out') });

describe('mapping doctor', () => {
  it('a core file not recognised: names the closest file and what it lacks; an overrides alias fixes it', async () => {
    const dir = folder((csv) => csv.replace('Deal Stage', 'Stage of deal'));
    const error = await run(dir).then(() => undefined, (e: Error) => e.message);
    expect(error).toMatch(/the folder holds no file for the core extract sellers/);
    expect(error).toContain('sources.deals: no file');
    expect(error).toContain('holding the columns Record ID, Deal Stage, Amount, Deal owner');
    expect(error).toContain(`closest: ${DEALS}, which lacks "Deal Stage"`);
    // The exact lines, the closest header ("Stage of deal": two words in common) as the alias.
    expect(error).toContain(`add to ${path.join(dir, 'mapping-overrides.yaml')}:\naliases:\n  deals:\n    Deal Stage: ["Stage of deal"]`);
    fs.writeFileSync(path.join(dir, 'mapping-overrides.yaml'), 'aliases:\n  deals:\n    Deal Stage: [Stage of deal]\n');
    const result = await run(dir);
    expect(result.extracts.find((e) => e.extract === 'opportunities')!.rowsWritten).toBe(4);
  });

  it('labels the mapping does not know: the exact lines to add; the overrides map them in any case', async () => {
    const dir = folder((csv) => csv.replace('Contract sent', 'Démo faite'));
    const before = await run(dir);
    expect(before.unknownLabels).toEqual([{ extract: 'opportunities', column: 'stage', key: 'stages', value: 'Démo faite', rows: 1 }]);
    expect(overrideLines(before.unknownLabels)).toEqual(['stages:', '  "Démo faite": qualified    # choose one of: qualified, proposal, negotiation, won, lost']);
    fs.writeFileSync(path.join(dir, 'mapping-overrides.yaml'), 'stages:\n  démo FAITE: proposal\ncurrency: EUR\n');
    const after = await run(dir);
    expect(after.unknownLabels).toEqual([]);
    expect(fs.readFileSync(path.join(after.outDir, 'extracts.yaml'), 'utf8')).toMatch(/currency:\n  reporting: EUR/);
  });

  it('a closing stage of the company\'s own: once the overrides say it is won, the deal closes at its Close Date and its money counts', async () => {
    // The portal renamed "Closed won" to "Signé" on deal 9001 (48 000, closed 2024-02-15).
    const dir = folder((csv) => csv.replace('Sales Pipeline,Closed won,48000', 'Sales Pipeline,Signé,48000'));
    expect((await run(dir)).unknownLabels).toEqual([{ extract: 'opportunities', column: 'stage', key: 'stages', value: 'Signé', rows: 1 }]);
    fs.writeFileSync(path.join(dir, 'mapping-overrides.yaml'), 'stages:\n  signé: won\n');
    const m = await mapAndLoad(dir, 'hubspot');
    // Won: 9001 48 000 (Signé) + 9002 12 000.50 (closed won) = 60 000.50, as without the rename.
    expect(await m.db.query(`SELECT sum(amount) AS won FROM raw.opportunities WHERE stage = 'won'`)).toEqual([{ won: 60000.5 }]);
    expect(await m.db.query(`SELECT CAST(closed_at AS VARCHAR) AS closed FROM raw.opportunities WHERE opportunity_id = '9001'`)).toEqual([{ closed: '2024-02-15' }]);
  });

  it('an overrides file with a stage outside the contract, or an unknown source, is refused with its key', async () => {
    const dir = folder((csv) => csv);
    fs.writeFileSync(path.join(dir, 'mapping-overrides.yaml'), 'stages:\n  Signé: signed\n');
    await expect(run(dir)).rejects.toThrow(/mapping-overrides\.yaml is invalid:\n  ✖ stages\.Signé: .*"won"/);
    fs.writeFileSync(path.join(dir, 'mapping-overrides.yaml'), 'aliases:\n  dealz:\n    Amount: [Montant HT]\n');
    await expect(run(dir)).rejects.toThrow(/aliases: dealz is no source of hubspot/);
  });

  it('two headers naming one column stop the run', async () => {
    // 'Amount' and its French alias 'Montant' both present (one more header, one more cell per row).
    const dir = folder((csv) => csv.split('\n').map((l, i) => (!l ? l : i === 0 ? `${l},Montant` : `${l},0`)).join('\n'));
    await expect(run(dir)).rejects.toThrow(/sources\.deals: .*: it has both "Amount" and "Montant", two names of the column Amount/);
  });
});

describe('mapping:init', () => {
  it('drafts a mapping for an unknown export: files to extracts, columns by name kept only with the right shape', async () => {
    const { draftMapping } = await import('../pipelines/mapping/init.js');
    const { mappingSchema } = await import('../pipelines/mapping/schema.js');
    const YAML = (await import('yaml')).default;
    const draft = await draftMapping(path.resolve(import.meta.dirname, 'fixtures/exports/unknown-crm'), tempDir('bi-init-'));
    const spec = mappingSchema.parse(YAML.parse(draft.yaml));
    expect(spec.extracts.opportunities).toMatchObject({ from: 'pipeline_export', columns: {
      opportunity_id: 'opportunity_id', amount: 'amount', stage: 'stage', created_at: 'created_at', closed_at: 'closed_at',
    } });
    expect(spec.extracts.sellers).toMatchObject({ from: 'equipe', columns: { seller_id: 'seller_id', role: 'role' } });
    // "beaucoup" is no number: employees is left to map, not guessed.
    expect(spec.extracts.accounts).toMatchObject({ from: 'clients', columns: { account_id: 'account_id', segment: 'segment' } });
    expect((spec.extracts.accounts!.columns as Record<string, string>).employees).toBeUndefined();
    expect(draft.files.find((f) => f.extract === 'accounts')!.todo).toContain('employees');
    expect(draft.yaml).toMatch(/^# accounts \(clients\.csv\): TODO map .*employees/m);
  });
});
