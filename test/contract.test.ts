/** The source contract: internally consistent, and everything derived from it agrees with it. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXTRACTS, extractByName } from '../pipelines/contract/index.js';
import { columnsOf } from '../pipelines/contract/derive.js';
import { CONTRACT_DOCS, renderContractDocs } from '../pipelines/contract/docs.js';
import { kyselyFor } from '../pipelines/db/kysely.js';
import type { WarehouseTables } from '../pipelines/db/schema.js';
import { fixtureCompany } from './helpers/fixture-company.js';
import { writeCompany } from './helpers/csv.js';
import { loadFolder, tempDir } from './helpers/load.js';

describe('source contract', () => {
  it('lists every extract after the extracts it references', () => {
    EXTRACTS.forEach((extract, position) => {
      for (const column of columnsOf(extract)) {
        if (!column.references) continue;
        const parent = EXTRACTS.findIndex((e) => e.name === column.references!.extract);
        expect(parent, `${extract.name}.${column.name} → ${column.references.extract}`).toBeGreaterThanOrEqual(0);
        expect(parent, `${extract.name}.${column.name} references a later extract`).toBeLessThanOrEqual(position);
      }
    });
  });

  it('references single-column keys, and keys name real columns', () => {
    for (const extract of EXTRACTS) {
      const names = columnsOf(extract).map((c) => c.name);
      for (const key of extract.key) expect(names, `${extract.name} key`).toContain(key);
      for (const column of columnsOf(extract).filter((c) => c.references)) {
        expect(extractByName(column.references!.extract)!.key, `${extract.name}.${column.name}`).toHaveLength(1);
      }
      for (const rule of [...(extract.rules ?? []), ...(extract.crossRules ?? [])]) expect(names).toContain(rule.column);
    }
  });

  it('derives DuckDB types, required flags and rules from the zod schemas', () => {
    const byName = Object.fromEntries(columnsOf(extractByName('invoice_lines')!).map((c) => [c.name, c]));
    expect(byName.net_amount).toMatchObject({ duckdbType: 'DECIMAL(18,2)', required: true });
    expect(byName.line_number).toMatchObject({ duckdbType: 'BIGINT', minimum: 1 });
    expect(byName.discount_rate).toMatchObject({ duckdbType: 'DOUBLE', minimum: 0, maximum: 1 });
    expect(byName.invoice_id!.references).toEqual({ extract: 'invoices', column: '' });
    const leads = Object.fromEntries(columnsOf(extractByName('leads')!).map((c) => [c.name, c]));
    expect(leads.created_at).toMatchObject({ duckdbType: 'TIMESTAMP', notInFuture: true, required: true });
    expect(leads.first_touch_at).toMatchObject({ duckdbType: 'TIMESTAMP', required: false });
    expect(leads.warmth!.enumValues).toEqual(['hot', 'warm', 'cold']);
    const contacts = columnsOf(extractByName('contacts')!).filter((c) => c.personal).map((c) => c.name);
    expect(contacts).toEqual(['first_name', 'last_name', 'email', 'phone']);
  });

  it('accepts the fixture company through the zod schemas themselves', () => {
    const company = fixtureCompany();
    for (const extract of EXTRACTS) {
      for (const row of (company[extract.name as keyof typeof company] ?? []) as unknown[]) expect(() => extract.schema.parse(row), extract.name).not.toThrow();
    }
    expect(extractByName('accounts')!.schema.safeParse({ ...company.accounts[0], segment: 'Gold' }).success).toBe(false);
  });

  it('has an up-to-date documentation page (npm run contract:docs)', () => {
    expect(fs.readFileSync(CONTRACT_DOCS, 'utf8')).toBe(renderContractDocs());
  });

  it('gives typed Kysely access to the loaded tables', async () => {
    const dir = tempDir();
    writeCompany(dir, fixtureCompany() as unknown as Record<string, Record<string, unknown>[]>);
    const { db } = await loadFolder(dir);
    const kysely = kyselyFor<WarehouseTables>(db);
    const revenue = await kysely
      .selectFrom('raw.invoice_lines as l')
      .innerJoin('raw.invoices as i', 'i.invoice_id', 'l.invoice_id')
      .select(['i.document_type', (eb) => eb.fn.sum<number>('l.net_amount').as('amount')])
      .groupBy('i.document_type')
      .orderBy('i.document_type')
      .execute();
    expect(revenue).toEqual([{ document_type: 'credit_note', amount: -1200 }, { document_type: 'invoice', amount: 12000 }]);
    const summary = await kysely.selectFrom('audit.load_summary').select(['extract', 'rows_loaded']).where('extract', '=', 'leads').executeTakeFirstOrThrow();
    expect(summary).toEqual({ extract: 'leads', rows_loaded: 2 });
    db.close();
  });
});
