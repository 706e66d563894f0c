/**
 * A tiny company whose full history runs past 2024-03-31, built so that every rule of the point in
 * time (pipelines/load/point-in-time.ts) has one row that keeps, one that goes and one that is
 * rewound. The expected state on 2024-03-31 is written out by hand in test/point-in-time.test.ts.
 */
import type { ExtractRows } from '../../pipelines/contract/index.js';

type Rows = { [K in Exclude<keyof ExtractRows, 'fx_rates'>]: Partial<ExtractRows[K]>[] };

const seller = (id: string, role: 'manager' | 'account_executive', start: string, leave: string | null, manager: string | null = 'S1') =>
  ({ seller_id: id, seller_name: `Vendeur ${id}`, team: 'Paris', manager_id: manager, role, hourly_cost: 50, start_date: start, leave_date: leave });
const account = (id: string, status: 'prospect' | 'customer' | 'former_customer', owner: string | null, created: string) =>
  ({ account_id: id, account_name: `Société ${id}`, segment: 'Argent' as const, industry: 'Industrie', employees: 100, size_band: 'PME' as const, region: 'Bretagne', status, owner_seller_id: owner, created_at: created });
const lead = (id: string, account: string | null, created: string, touch: string | null, status: 'new' | 'working' | 'qualified' | 'disqualified', extra: Record<string, unknown> = {}) =>
  ({ lead_id: id, account_id: account, contact_id: null, source: 'website' as const, campaign_id: null, warmth: 'warm' as const, owner_seller_id: 'S2', created_at: created, first_touch_at: touch, status, ...extra });
const opportunity = (id: string, account: string, lead: string | null, owner: string, created: string, closed: string | null, stage: string, amount: number, loss: string | null = null) =>
  ({ opportunity_id: id, account_id: account, lead_id: lead, owner_seller_id: owner, product_line: 'Logiciel', amount, origin: 'sales' as const, created_at: created, closed_at: closed, stage: stage as 'won', loss_reason: loss });
const activity = (id: string, at: string, status: 'held' | 'planned' | 'no_show', extra: Record<string, unknown> = {}) =>
  ({ activity_id: id, seller_id: 'S2', type: 'meeting' as const, counterpart: 'prospect' as const, purpose: 'discovery' as const, direction: 'outbound' as const, account_id: null, lead_id: null, opportunity_id: null, scheduled_at: at, status, duration_minutes: 60, outcome: null, rebooked_activity_id: null, ...extra });
const line = (invoice: string, net: number) =>
  ({ invoice_id: invoice, line_number: 1, product_line: 'Logiciel', product_code: 'LOG', quantity: net < 0 ? -1 : 1, unit_price: Math.abs(net), discount_rate: 0, net_amount: net, unit_cost: 10 });

export const CUT_DAY = '2024-03-31';

export const pointInTimeCompany = (): Rows => ({
  sellers: [
    seller('S1', 'manager', '2022-01-03', null, null),
    seller('S2', 'account_executive', '2022-03-01', '2024-06-30'), // left after D: active on D
    seller('S3', 'account_executive', '2024-05-01', null), // hired after D: absent
    seller('S4', 'account_executive', '2022-03-01', '2024-01-31'), // left before D: as exported
  ],
  objectives: [
    { seller_id: 'S2', period_start: '2024-01-01', period_end: '2024-01-31', revenue_target: 10000 },
    { seller_id: 'S2', period_start: '2025-03-01', period_end: '2025-03-31', revenue_target: 10000 }, // < D + 12 months: kept
    { seller_id: 'S2', period_start: '2025-04-01', period_end: '2025-04-30', revenue_target: 10000 }, // not yet set on D
    { seller_id: 'S3', period_start: '2024-06-01', period_end: '2024-06-30', revenue_target: 10000 }, // seller absent
  ],
  accounts: [
    account('A1', 'customer', 'S2', '2023-05-02'), // won O1 in 2023: customer
    account('A2', 'customer', 'S1', '2023-06-10'), // first won deal after D: prospect; owner on D S2
    account('A3', 'prospect', 'S2', '2024-04-10'), // created after D: absent
    account('A4', 'former_customer', 'S2', '2023-01-01'), // subscription active on D: customer
    account('A5', 'prospect', 'S3', '2023-01-01'), // owner hired after D: no owner
  ],
  account_owners: [
    { account_id: 'A1', seller_id: 'S4', valid_from: '2023-05-02', valid_to: '2023-12-31' },
    { account_id: 'A1', seller_id: 'S2', valid_from: '2024-01-01', valid_to: null },
    { account_id: 'A2', seller_id: 'S2', valid_from: '2023-06-10', valid_to: '2024-06-30' }, // open on D
    { account_id: 'A2', seller_id: 'S1', valid_from: '2024-07-01', valid_to: null }, // after D: absent
  ],
  contacts: [
    { contact_id: 'C1', account_id: 'A1', first_name: 'Claire', last_name: 'Dubois', email: null, phone: null, job_title: 'DAF', created_at: '2023-05-02' },
    { contact_id: 'C2', account_id: 'A3', first_name: 'Marc', last_name: 'Roux', email: null, phone: null, job_title: null, created_at: '2024-04-10' },
    { contact_id: 'C3', account_id: 'A2', first_name: 'Léa', last_name: 'Morel', email: null, phone: null, job_title: null, created_at: '2024-04-02' },
  ],
  campaigns: [
    { campaign_id: 'K1', campaign_name: 'Salon 2023', channel: 'event', target_segment: null, start_date: '2023-09-01', end_date: '2023-09-30' },
    { campaign_id: 'K2', campaign_name: 'Printemps', channel: 'paid_search', target_segment: null, start_date: '2024-03-01', end_date: '2024-04-30' },
    { campaign_id: 'K3', campaign_name: 'Été', channel: 'paid_search', target_segment: null, start_date: '2024-05-01', end_date: null },
    { campaign_id: 'K4', campaign_name: 'Salon juin', channel: 'event', target_segment: null, start_date: '2024-06-10', end_date: '2024-06-12' }, // stand paid before D: exists
  ],
  leads: [
    lead('L1', 'A1', '2023-09-12 10:00:00', '2023-09-12 15:00:00', 'qualified', { contact_id: 'C1', campaign_id: 'K1' }),
    lead('L2', 'A2', '2024-03-01 09:00:00', '2024-03-02 09:00:00', 'qualified', { contact_id: 'C3' }), // its deal O4 comes after D: working; C3 not yet there
    lead('L3', 'A5', '2024-03-30 10:00:00', '2024-04-01 09:00:00', 'disqualified'), // first touch after D: new
    lead('L4', 'A3', '2024-04-02 10:00:00', '2024-04-02 11:00:00', 'working'), // created after D: absent
    lead('L5', 'A5', '2024-02-01 10:00:00', '2024-02-02 10:00:00', 'disqualified'), // worked after D: working
    lead('L6', 'A5', '2024-01-10 10:00:00', '2024-01-11 10:00:00', 'disqualified'), // as exported
  ],
  opportunities: [
    // The exported expected close and forecast category: kept on a deal closed by D (ignored by
    // staging as a closed deal's), emptied on a deal reopened (their values of D are not exported).
    { ...opportunity('O1', 'A1', 'L1', 'S2', '2023-09-20', '2023-11-15', 'won', 12000), expected_close_at: '2023-11-30', forecast_category: 'commit' },
    { ...opportunity('O2', 'A2', null, 'S2', '2024-02-01', '2024-05-15', 'won', 30000), expected_close_at: '2024-05-15', forecast_category: 'commit' }, // on D: proposal, open
    { ...opportunity('O3', 'A1', null, 'S2', '2024-01-15', '2024-04-10', 'lost', 8000, 'prix'), expected_close_at: '2024-04-30', forecast_category: 'best_case' }, // negotiation entered on D itself
    opportunity('O4', 'A2', 'L2', 'S2', '2024-04-05', null, 'qualified', 5000), // created after D: absent
    opportunity('O5', 'A5', null, 'S3', '2024-05-02', null, 'qualified', 7000), // created after D: absent
    opportunity('O6', 'A1', null, 'S4', '2023-10-01', '2024-01-20', 'lost', 4000, 'timing'), // closed before D: as exported
  ],
  opportunity_stage_history: [
    { opportunity_id: 'O1', stage: 'qualified', changed_at: '2023-09-20 09:00:00' },
    { opportunity_id: 'O1', stage: 'won', changed_at: '2023-11-15 17:00:00' },
    { opportunity_id: 'O2', stage: 'qualified', changed_at: '2024-02-01 09:00:00' },
    { opportunity_id: 'O2', stage: 'proposal', changed_at: '2024-03-10 09:00:00' },
    { opportunity_id: 'O2', stage: 'negotiation', changed_at: '2024-04-20 09:00:00' },
    { opportunity_id: 'O2', stage: 'won', changed_at: '2024-05-15 17:00:00' },
    { opportunity_id: 'O3', stage: 'qualified', changed_at: '2024-01-15 09:00:00' },
    { opportunity_id: 'O3', stage: 'negotiation', changed_at: '2024-03-31 16:00:00' },
    { opportunity_id: 'O3', stage: 'lost', changed_at: '2024-04-10 12:00:00' },
    { opportunity_id: 'O4', stage: 'qualified', changed_at: '2024-04-05 09:00:00' },
    { opportunity_id: 'O5', stage: 'qualified', changed_at: '2024-05-02 09:00:00' },
    { opportunity_id: 'O6', stage: 'qualified', changed_at: '2023-10-01 09:00:00' },
    { opportunity_id: 'O6', stage: 'lost', changed_at: '2024-01-20 09:00:00' },
  ],
  activities: [
    activity('T1', '2023-10-05 10:00:00', 'held', { account_id: 'A1', opportunity_id: 'O1' }),
    activity('T2', '2024-03-28 10:00:00', 'no_show', { account_id: 'A2', opportunity_id: 'O2', rebooked_activity_id: 'T3' }), // rebooked after D: empty
    activity('T3', '2024-04-04 10:00:00', 'held', { account_id: 'A2', opportunity_id: 'O2' }), // after D: absent
    activity('T4', '2024-04-03 10:00:00', 'held', { lead_id: 'L5', account_id: 'A5' }), // after D: absent
    activity('T5', '2024-03-31 17:00:00', 'planned', { account_id: 'A2', opportunity_id: 'O2' }), // planned on D for D: kept
    activity('T6', '2024-04-02 10:00:00', 'planned', { account_id: 'A2', opportunity_id: 'O2' }), // planned on D for later: absent
  ],
  referrals: [
    { referral_id: 'R1', referrer_account_id: 'A1', referred_account_id: 'A2', referred_lead_id: 'L2', referred_at: '2024-03-05', is_valid: true },
    { referral_id: 'R2', referrer_account_id: 'A1', referred_account_id: 'A3', referred_lead_id: 'L4', referred_at: '2024-03-20', is_valid: true }, // A3, L4 later
    { referral_id: 'R3', referrer_account_id: 'A1', referred_account_id: null, referred_lead_id: null, referred_at: '2024-04-15', is_valid: false },
  ],
  marketing_spend: [
    { spend_date: '2023-09-10', campaign_id: 'K1', segment: null, amount: 1000 },
    { spend_date: '2024-03-31', campaign_id: 'K2', segment: null, amount: 100 },
    { spend_date: '2024-04-01', campaign_id: 'K2', segment: null, amount: 200 },
    { spend_date: '2024-03-15', campaign_id: 'K4', segment: null, amount: 5000 },
  ],
  campaign_leads: [
    { campaign_id: 'K1', lead_id: 'L1', touched_at: '2023-09-12 10:00:00', attribution_weight: 1 },
    { campaign_id: 'K2', lead_id: 'L3', touched_at: '2024-03-30 10:00:00', attribution_weight: 1 },
    { campaign_id: 'K2', lead_id: 'L4', touched_at: '2024-04-02 10:00:00', attribution_weight: 1 },
  ],
  invoices: [
    { invoice_id: 'I1', account_id: 'A1', opportunity_id: 'O1', invoice_date: '2023-11-20', document_type: 'invoice' },
    { invoice_id: 'I2', account_id: 'A2', opportunity_id: 'O2', invoice_date: '2024-05-20', document_type: 'invoice' },
    { invoice_id: 'I3', account_id: 'A4', opportunity_id: null, invoice_date: '2024-03-01', document_type: 'invoice' },
    { invoice_id: 'I4', account_id: 'A1', opportunity_id: 'O1', invoice_date: '2024-04-02', document_type: 'credit_note' },
  ],
  invoice_lines: [
    line('I1', 12000), { ...line('I1', 0), line_number: 2 },
    line('I2', 30000),
    line('I3', 500),
    line('I4', -1200),
  ],
  subscriptions: [
    { subscription_id: 'SUB1', account_id: 'A1', product_line: 'Logiciel', plan_tier: 1, start_date: '2023-12-01', end_date: null, monthly_amount: 450 },
    { subscription_id: 'SUB2', account_id: 'A4', product_line: 'Logiciel', plan_tier: 1, start_date: '2023-02-01', end_date: '2024-08-31', monthly_amount: 500 },
    { subscription_id: 'SUB3', account_id: 'A2', product_line: 'Logiciel', plan_tier: 1, start_date: '2024-06-01', end_date: null, monthly_amount: 900 },
    { subscription_id: 'SUB4', account_id: 'A4', product_line: 'Services', plan_tier: 1, start_date: '2022-01-01', end_date: '2023-01-31', monthly_amount: 300 },
  ],
});
