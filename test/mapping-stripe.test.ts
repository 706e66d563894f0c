/**
 * Stripe billing exports through the built-in mapping (with the HubSpot mapping for the CRM side,
 * as the YAML's header says to run it). Expected figures are worked out by hand from the fixture's
 * rows (arithmetic in the comments); billed revenue must equal the invoices' own Subtotal column.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeMapped, mapAndLoad as mapLoadAndModel } from './helpers/map-and-load.js';
import { exportsFolder, expectReconciled, type Mapped } from './helpers/mapped.js';

let m: Mapped | undefined;
afterAll(closeMapped);

describe('stripe', () => {
  it('annual, quarterly and weekly prices, and proration credits: revenue = the invoices\' subtotals, MRR per month, no false downgrade', async () => {
    const dir = exportsFolder('hubspot', 'stripe-annual-proration');
    // The company's rate for its one USD customer, beside the exports.
    fs.writeFileSync(path.join(dir, 'extracts.yaml'), 'currency:\n  reporting: EUR\n  rates: { USD: 0.92 }\n');
    m = await mapLoadAndModel(dir, 'hubspot,stripe');
    expectReconciled(m);
    expect(m.result.rejects).toEqual([]);
    expect(await m.rejects('invoices')).toEqual([]);
    expect(await m.rejects('invoice_lines')).toEqual([]);
    // Nor flagged: a credit's unit price is the amount credited per unit, its sign on net_amount.
    expect(await m.flags('invoice_lines')).toEqual([]);
    // EUR lines by hand: 150.00 + (−77.42 + 232.26) + 450.00 + (−225.00 + 4,860.00) + 420.00 + 6,000.00
    // = 11,809.84, the sum of the EUR invoices' Subtotal column (150.00 + 154.84 + 450.00 + 4,635.00 + 420.00 + 6,000.00).
    expect(await m.db.query(`SELECT sum(l.net_amount) AS revenue FROM raw.invoice_lines l JOIN raw.invoices i USING (invoice_id) WHERE i.currency = 'EUR'`))
      .toEqual([{ revenue: 11809.84 }]);
    // The USD invoice's subtotal, 1,000.00 USD × 0.92 = 920.00 EUR: billed revenue in the company's
    // currency = 11,809.84 + 920.00 = 12,729.84.
    expect(await m.db.query(`SELECT sum(revenue) AS revenue FROM intermediate.int_revenue_lines`)).toEqual([{ revenue: 12729.84 }]);
    // The proration credits stay negative lines of their invoices.
    expect(await m.db.query(`SELECT invoice_id, net_amount FROM raw.invoice_lines WHERE net_amount < 0 ORDER BY invoice_id`)).toEqual([
      { invoice_id: 'in_2002', net_amount: -77.42 }, { invoice_id: 'in_2004', net_amount: -225 },
    ]);
    // Monthly amounts by hand: sub_A1 4,860 / 12 = 405.00; sub_W1 100 × 2 × 52 / 12 = 866.67;
    // sub_C5 450.00; sub_C7 420 every 3 months = 140.00; sub_C3 1,200 × 5 / 12 = 500.00.
    // Tiers within Support, by monthly unit price: 140 (quarterly Basic) is tier 1; 405 (annual
    // Pro) is more than 20 % above it: tier 2; 450 (monthly Pro) is within 20 % of 405: tier 2 too,
    // so the move from monthly to annual Pro is not a downgrade.
    expect(await m.db.query(`SELECT subscription_id, monthly_amount, plan_tier FROM raw.subscriptions ORDER BY subscription_id`)).toEqual([
      { subscription_id: 'sub_A1', monthly_amount: 405, plan_tier: 2 },
      { subscription_id: 'sub_B2', monthly_amount: 300, plan_tier: 1 },
      { subscription_id: 'sub_C3', monthly_amount: 500, plan_tier: 1 },
      { subscription_id: 'sub_C5', monthly_amount: 450, plan_tier: 2 },
      { subscription_id: 'sub_C7', monthly_amount: 140, plan_tier: 1 },
      { subscription_id: 'sub_W1', monthly_amount: 866.67, plan_tier: 1 },
    ]);
    // MRR in the company's currency: the USD retainer 300.00 × 0.92 = 276.00 EUR; active MRR
    // = 405.00 + 276.00 + 500.00 + 140.00 + 866.67 = 2,187.67 (sub_C5 ended in May).
    expect(await m.db.query(`SELECT subscription_id, mrr, currency FROM staging.stg_subscriptions WHERE subscription_id = 'sub_B2'`))
      .toEqual([{ subscription_id: 'sub_B2', mrr: 276, currency: 'USD' }]);
    expect(await m.db.query(`SELECT sum(mrr) AS mrr FROM staging.stg_subscriptions WHERE end_date IS NULL`)).toEqual([{ mrr: 2187.67 }]);
  });
});
