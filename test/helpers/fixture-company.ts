/**
 * A tiny, valid company covering every extract, small enough to check by hand. Tests copy it,
 * break one thing, and assert exactly what the loader does with it.
 */
import type { ExtractRows } from '../../pipelines/contract/index.js';

// Exchange rates are optional: a company selling in its own currency has none; so is the history
// of account owners (without it, revenue without a deal goes to the current owner within their
// employment).
type Optional = 'fx_rates' | 'account_owners';
type Rows = { [K in Exclude<keyof ExtractRows, Optional>]: ExtractRows[K][] } & { [K in Optional]?: ExtractRows[K][] };

export const fixtureCompany = (): Rows => ({
  sellers: [
    { seller_id: 'S1', seller_name: 'Alice Martin', team: 'Paris', manager_id: null, role: 'manager', hourly_cost: 60, start_date: '2022-01-03', leave_date: null },
    { seller_id: 'S2', seller_name: 'Bruno Petit', team: 'Paris', manager_id: 'S1', role: 'account_executive', hourly_cost: 45.5, start_date: '2022-03-01', leave_date: null },
  ],
  objectives: [
    { seller_id: 'S2', period_start: '2024-01-01', period_end: '2024-01-31', revenue_target: 10000, new_customers_target: 1, meetings_target: 8 },
  ],
  accounts: [
    { account_id: 'A1', account_name: 'Acier du Nord', segment: 'Or', industry: 'Industrie', employees: 800, size_band: 'ETI', region: 'Hauts-de-France', status: 'customer', owner_seller_id: 'S2', created_at: '2023-05-02' },
    { account_id: 'A2', account_name: 'Boulangeries Réunies', segment: 'Bronze', industry: 'Distribution', employees: 40, size_band: 'PME', region: 'Bretagne', status: 'prospect', owner_seller_id: 'S2', created_at: '2023-06-10' },
  ],
  contacts: [
    { contact_id: 'C1', account_id: 'A1', first_name: 'Claire', last_name: 'Dubois', email: 'claire.dubois@example.fr', phone: '+33 6 12 34 56 78', job_title: 'DAF', created_at: '2023-05-02' },
  ],
  campaigns: [
    { campaign_id: 'K1', campaign_name: 'Salon Industrie 2023', channel: 'event', target_segment: 'Or', start_date: '2023-09-01', end_date: '2023-09-30' },
  ],
  leads: [
    { lead_id: 'L1', account_id: 'A1', contact_id: 'C1', source: 'event', campaign_id: 'K1', warmth: 'hot', owner_seller_id: 'S2', created_at: '2023-09-12 10:00:00', first_touch_at: '2023-09-12 15:00:00', status: 'qualified' },
    { lead_id: 'L2', account_id: 'A2', contact_id: null, source: 'content', campaign_id: null, warmth: 'cold', owner_seller_id: 'S2', created_at: '2023-10-01 09:00:00', first_touch_at: null, status: 'new' },
  ],
  opportunities: [
    { opportunity_id: 'O1', account_id: 'A1', lead_id: 'L1', owner_seller_id: 'S2', product_line: 'Logiciel', amount: 12000, origin: 'marketing', created_at: '2023-09-20', closed_at: '2023-11-15', stage: 'won', loss_reason: null },
  ],
  opportunity_stage_history: [
    { opportunity_id: 'O1', stage: 'qualified', changed_at: '2023-09-20 09:00:00' },
    { opportunity_id: 'O1', stage: 'proposal', changed_at: '2023-10-10 09:00:00' },
    { opportunity_id: 'O1', stage: 'won', changed_at: '2023-11-15 17:00:00' },
  ],
  activities: [
    { activity_id: 'T1', seller_id: 'S2', type: 'call', counterpart: 'prospect', purpose: 'prospecting', direction: 'outbound', account_id: 'A1', lead_id: 'L1', opportunity_id: null, scheduled_at: '2023-09-12 15:00:00', status: 'held', duration_minutes: 20, outcome: 'next_meeting_booked', rebooked_activity_id: null },
    { activity_id: 'T2', seller_id: 'S2', type: 'meeting', counterpart: 'prospect', purpose: 'discovery', direction: 'outbound', account_id: 'A1', lead_id: null, opportunity_id: 'O1', scheduled_at: '2023-09-25 10:00:00', status: 'no_show', duration_minutes: 0, outcome: null, rebooked_activity_id: 'T3' },
    { activity_id: 'T3', seller_id: 'S2', type: 'meeting', counterpart: 'prospect', purpose: 'discovery', direction: 'outbound', account_id: 'A1', lead_id: null, opportunity_id: 'O1', scheduled_at: '2023-09-28 10:00:00', status: 'held', duration_minutes: 60, outcome: 'proposal_requested', rebooked_activity_id: null },
  ],
  referrals: [
    { referral_id: 'R1', referrer_account_id: 'A1', referred_account_id: 'A2', referred_lead_id: null, referred_at: '2024-02-01', is_valid: true },
  ],
  marketing_spend: [
    { spend_date: '2023-09-15', campaign_id: 'K1', segment: 'Or', amount: 3000 },
    { spend_date: '2023-09-15', campaign_id: 'K1', segment: null, amount: 500 },
  ],
  campaign_leads: [
    { campaign_id: 'K1', lead_id: 'L1', touched_at: '2023-09-12 10:00:00', attribution_weight: 1 },
  ],
  invoices: [
    { invoice_id: 'F1', account_id: 'A1', opportunity_id: 'O1', invoice_date: '2023-11-20', document_type: 'invoice', currency: 'EUR' },
    { invoice_id: 'AV1', account_id: 'A1', opportunity_id: 'O1', invoice_date: '2023-12-05', document_type: 'credit_note', currency: 'EUR' },
  ],
  invoice_lines: [
    { invoice_id: 'F1', line_number: 1, product_line: 'Logiciel', product_code: 'LOG-PRO', quantity: 10, unit_price: 1200, discount_rate: 0, net_amount: 12000, unit_cost: 240 },
    { invoice_id: 'AV1', line_number: 1, product_line: 'Logiciel', product_code: 'LOG-PRO', quantity: -1, unit_price: 1200, discount_rate: 0, net_amount: -1200, unit_cost: 240 },
  ],
  subscriptions: [
    { subscription_id: 'SUB1', account_id: 'A1', product_line: 'Logiciel', plan_tier: 2, start_date: '2023-12-01', end_date: null, monthly_amount: 450 },
  ],
});
