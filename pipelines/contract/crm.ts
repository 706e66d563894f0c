/** CRM extracts: sellers and their objectives, accounts, contacts, leads, opportunities, activities. */
import { z } from 'zod';
import { defineExtract } from './extract.js';
import {
  currency, date, descriptive, flag, id, integer, mayBeAbsent, nonNegativeMoney, oneOf, optional, ref, text, timestamp, unknownWhenMissing,
} from './columns.js';

export const SEGMENTS = ['Or', 'Argent', 'Bronze'] as const;
export const OPPORTUNITY_STAGES = ['qualified', 'proposal', 'negotiation', 'won', 'lost'] as const;
/**
 * The CRM's forecast category of an open deal, in our words: Salesforce's ForecastCategoryName
 * (Pipeline, Best Case, Commit, Omitted; Closed is a closed deal's) and HubSpot's "Forecast category"
 * (hs_manual_forecast_category: Pipeline, Best case, Commit, Not forecasted → omitted).
 */
export const FORECAST_CATEGORIES = ['commit', 'best_case', 'pipeline', 'omitted'] as const;
export const ACTIVITY_TYPES = ['call', 'email', 'meeting', 'video', 'demo', 'admin'] as const;
export const ACTIVITY_OUTCOMES = [
  'stage_advanced', 'next_meeting_booked', 'proposal_requested', 'no_progress', 'voicemail', 'no_answer',
] as const;

export const sellers = defineExtract({
  name: 'sellers',
  system: 'crm',
  core: true,
  description: 'One row per seller (sales rep, SDR or manager) who ever owned an account, lead or deal.',
  key: ['seller_id'],
  schema: z.object({
    seller_id: id('Seller identifier in the CRM'),
    seller_name: descriptive(text('Display name; pseudonymised on request when the site is published')),
    team: descriptive(text('Sales team the seller belongs to')),
    manager_id: descriptive(optional(ref('sellers', 'Seller id of the manager; empty for heads of sales'))),
    role: descriptive(oneOf(['account_executive', 'sdr', 'manager'], 'Job role')),
    hourly_cost: descriptive(nonNegativeMoney('Fully loaded cost of one hour of the seller, in the reporting currency')),
    start_date: date('First day in the team', { notInFuture: true }),
    leave_date: optional(date('Last day in the team; empty while employed')),
  }),
  rules: [{ column: 'leave_date', check: 'leave_date >= start_date', reason: 'leave date before start date' }],
});

export const objectives = defineExtract({
  name: 'objectives',
  system: 'crm',
  description: 'One row per seller and objective period (usually a month or a quarter).',
  key: ['seller_id', 'period_start'],
  schema: z.object({
    seller_id: ref('sellers', 'Seller the objective is set for'),
    period_start: date('First day of the objective period'),
    period_end: date('Last day of the objective period'),
    revenue_target: nonNegativeMoney('Invoiced revenue target for the period, EUR'),
    new_customers_target: optional(integer('Number of new customers to win in the period', 0)),
    meetings_target: optional(integer('Number of meetings held with prospects or customers in the period', 0)),
  }),
  rules: [{ column: 'period_end', check: 'period_end >= period_start', reason: 'period ends before it starts' }],
});

export const accounts = defineExtract({
  name: 'accounts',
  system: 'crm',
  core: true,
  description: 'One row per company, prospect or customer.',
  key: ['account_id'],
  schema: z.object({
    account_id: id('Account identifier in the CRM'),
    account_name: descriptive(text('Company name')),
    segment: descriptive(oneOf(SEGMENTS, 'Value tier of the commercial model: Or (gold), Argent (silver), Bronze')),
    industry: descriptive(text('Industry or sector')),
    employees: descriptive(optional(integer('Head count', 0))),
    size_band: descriptive(oneOf(['TPE', 'PME', 'ETI', 'GE'], 'French company size class: TPE <10, PME <250, ETI <5000, GE')),
    region: descriptive(text('Region of the head office')),
    status: descriptive(oneOf(['prospect', 'customer', 'former_customer'], 'Relationship status at extract time')),
    owner_seller_id: descriptive(optional(ref('sellers', 'Seller who owns the account'))),
    created_at: descriptive(date('Day the account was created in the CRM', { notInFuture: true })),
  }),
});

export const accountOwners = defineExtract({
  name: 'account_owners',
  system: 'crm',
  optional: true,
  description: 'Optional ownership history: one row per account and period during which a seller owned it (the CRM\'s field history of the account owner). ' +
    'Recurring revenue billed without a deal is credited to the owner at the invoice date; without this extract, to the current owner within their employment only.',
  key: ['account_id', 'valid_from'],
  schema: z.object({
    account_id: ref('accounts', 'Account owned'),
    seller_id: ref('sellers', 'Seller who owned the account'),
    valid_from: date('First day the seller owned the account'),
    valid_to: optional(date('Last day the seller owned the account; empty for the current owner')),
  }),
  rules: [{ column: 'valid_to', check: 'valid_to >= valid_from', reason: 'ownership ends before it starts' }],
});

export const contacts = defineExtract({
  name: 'contacts',
  system: 'crm',
  description: 'One row per person at an account. Personal data: loaded for joins, never published.',
  key: ['contact_id'],
  schema: z.object({
    contact_id: id('Contact identifier'),
    account_id: ref('accounts', 'Account the person works for'),
    first_name: descriptive(text('First name', { personal: true })),
    last_name: descriptive(text('Last name', { personal: true })),
    email: optional(text('E-mail address', { personal: true })),
    phone: optional(text('Phone number', { personal: true })),
    job_title: descriptive(optional(text('Job title'))),
    created_at: date('Day the contact was created', { notInFuture: true }),
  }),
});

export const leads = defineExtract({
  name: 'leads',
  system: 'crm',
  description: 'One row per lead (every prospect that entered the funnel, qualified or not).',
  key: ['lead_id'],
  schema: z.object({
    lead_id: id('Lead identifier'),
    account_id: descriptive(optional(ref('accounts', 'Account the lead belongs to, once known'))),
    contact_id: descriptive(optional(ref('contacts', 'Person behind the lead'))),
    source: descriptive(oneOf(
      ['website', 'paid_ads', 'event', 'webinar', 'content', 'outbound', 'referral', 'partner'],
      'Where the lead came from',
    )),
    campaign_id: descriptive(optional(ref('campaigns', 'Campaign credited with the lead in the CRM'))),
    warmth: descriptive(oneOf(['hot', 'warm', 'cold'], 'Intent at creation: hot = demo request, cold = white-paper download')),
    owner_seller_id: descriptive(optional(ref('sellers', 'Seller the lead was assigned to'))),
    created_at: timestamp('When the lead was created', { notInFuture: true }),
    first_touch_at: optional(timestamp('First seller touch (call, email, meeting); empty if never touched')),
    status: descriptive(oneOf(['new', 'working', 'qualified', 'disqualified'], 'Lead status at extract time')),
  }),
  rules: [{ column: 'first_touch_at', check: 'first_touch_at >= created_at', reason: 'first touch before the lead was created', onInvalid: 'flag' }],
});

export const opportunities = defineExtract({
  name: 'opportunities',
  system: 'crm',
  core: true,
  description: 'One row per opportunity (deal), open or closed.',
  key: ['opportunity_id'],
  schema: z.object({
    opportunity_id: id('Opportunity identifier'),
    // A deal with no company (common for open deals in HubSpot) keeps its money: loaded on the
    // placeholder account "(non attribué)" and flagged; an account id given but unknown still rejects.
    account_id: unknownWhenMissing(ref('accounts', 'Account the deal is with; missing: the placeholder account "(non attribué)"')),
    lead_id: descriptive(optional(ref('leads', 'Lead the deal was qualified from'))),
    owner_seller_id: descriptive(ref('sellers', 'Seller who owns the deal; missing or unknown: "non attribué"')),
    product_line: descriptive(text('Product line sold')),
    amount: nonNegativeMoney('Deal value excl. VAT, in the deal\'s currency (expected while open, signed when won)'),
    origin: descriptive(oneOf(['marketing', 'sales', 'referral'], 'Who sourced the deal')),
    created_at: date('Day the opportunity was created (qualification)', { notInFuture: true }),
    closed_at: optional(date('Day the deal was won or lost', { notInFuture: true })),
    stage: oneOf(OPPORTUNITY_STAGES, 'Current stage'),
    loss_reason: descriptive(optional(text('Why the deal was lost'))),
    currency: currency('Currency of amount (ISO 4217); empty or absent: the company\'s reporting currency'),
    // When the CRM exports its own conversion (Salesforce "Amount (converted)", HubSpot "Amount in
    // company currency"), amount/currency are that conversion and these keep the deal's own figures.
    original_amount: mayBeAbsent(descriptive(optional(nonNegativeMoney('The deal\'s value in its own currency when amount is the CRM\'s conversion of it; empty otherwise')))),
    original_currency: mayBeAbsent(descriptive(optional(text('Currency of original_amount (ISO 4217)')))),
    // Pipeline inspection (issue 28). All three may be absent from the file: a CRM that exports none
    // still gets the deal pages, with the expected close derived from the stage history and the
    // forecast category from the stage's probability (intermediate.int_open_deals says which).
    opportunity_name: mayBeAbsent(descriptive(optional(text('The deal\'s name or title in the CRM (business data, shown on the deal pages)')))),
    expected_close_at: mayBeAbsent(descriptive(optional(date(
      'Open deals: the day the seller expects to close it (may be past or future). Ignored for won and lost deals, whose close is closed_at',
    )))),
    forecast_category: mayBeAbsent(descriptive(optional(oneOf(
      FORECAST_CATEGORIES,
      'Open deals: the CRM\'s forecast category (commit, best_case, pipeline, omitted). Ignored for won and lost deals',
    )))),
  }),
  rules: [
    { column: 'closed_at', check: 'closed_at >= created_at', reason: 'closed before it was created' },
    {
      column: 'closed_at',
      check: "(stage IN ('won', 'lost')) = (closed_at IS NOT NULL)",
      reason: 'closed deals (won/lost) need a close date and open deals must not have one',
    },
  ],
  money: { amount: 'amount' },
  currency: { column: 'currency', rateDate: 'coalesce(closed_at, created_at)' },
});

export const opportunityStageHistory = defineExtract({
  name: 'opportunity_stage_history',
  system: 'crm',
  description: 'One row per stage change of an opportunity, including the creation at its first stage.',
  key: ['opportunity_id', 'stage', 'changed_at'],
  schema: z.object({
    opportunity_id: ref('opportunities', 'Opportunity that changed stage'),
    stage: oneOf(OPPORTUNITY_STAGES, 'Stage entered'),
    changed_at: timestamp('When the stage was entered', { notInFuture: true }),
  }),
});

export const activities = defineExtract({
  name: 'activities',
  system: 'crm',
  description: 'One row per seller activity: call, email, meeting, video call, demo or administrative task.',
  key: ['activity_id'],
  schema: z.object({
    activity_id: id('Activity identifier'),
    seller_id: ref('sellers', 'Seller who did (or planned) the activity'),
    type: oneOf(ACTIVITY_TYPES, 'Kind of activity'),
    counterpart: oneOf(['prospect', 'customer', 'internal'], 'Who the activity was with'),
    purpose: oneOf(
      ['prospecting', 'discovery', 'follow_up', 'negotiation', 'account_management', 'support', 'admin'],
      'Why it was done; support and admin are not selling',
    ),
    direction: oneOf(['outbound', 'inbound', 'internal'], 'Who initiated it; an inbound reply makes a two-way exchange'),
    account_id: descriptive(optional(ref('accounts', 'Account concerned'))),
    lead_id: descriptive(optional(ref('leads', 'Lead concerned'))),
    opportunity_id: descriptive(optional(ref('opportunities', 'Deal concerned'))),
    scheduled_at: timestamp('When it took place, or was planned to', { notInFuture: true }),
    status: oneOf(['held', 'planned', 'no_show', 'cancelled'], 'Held, still planned, no-show or cancelled'),
    duration_minutes: integer('Time spent, minutes', 0),
    outcome: descriptive(optional(oneOf(ACTIVITY_OUTCOMES, 'What it led to; stage_advanced / next_meeting_booked / proposal_requested count as progress'))),
    rebooked_activity_id: descriptive(optional(ref('activities', 'For a no-show: the activity booked to replace it'))),
  }),
});

export const referrals = defineExtract({
  name: 'referrals',
  system: 'crm',
  description: 'One row per referral (recommendation) given by a customer.',
  key: ['referral_id'],
  schema: z.object({
    referral_id: id('Referral identifier'),
    referrer_account_id: ref('accounts', 'Customer who gave the referral'),
    referred_account_id: descriptive(optional(ref('accounts', 'Company recommended, once in the CRM'))),
    referred_lead_id: descriptive(optional(ref('leads', 'Lead created from the referral'))),
    referred_at: date('Day the referral was given', { notInFuture: true }),
    is_valid: flag('Whether sales judged it a valid (qualified) referral'),
  }),
});
