/** Marketing extracts: campaigns, their daily spend, and the leads attributed to them. */
import { z } from 'zod';
import { defineExtract } from './extract.js';
import { SEGMENTS } from './crm.js';
import { currency, date, decimal, descriptive, id, nonNegativeMoney, oneOf, optional, ref, text, timestamp } from './columns.js';

export const campaigns = defineExtract({
  name: 'campaigns',
  system: 'marketing',
  description: 'One row per marketing campaign, ad programme or event.',
  key: ['campaign_id'],
  schema: z.object({
    campaign_id: id('Campaign identifier'),
    campaign_name: descriptive(text('Campaign name')),
    channel: descriptive(oneOf(
      ['paid_search', 'paid_social', 'event', 'webinar', 'email', 'content', 'partner'],
      'Marketing channel; events are trade shows and field events',
    )),
    target_segment: descriptive(optional(oneOf(SEGMENTS, 'Segment the campaign targets, when it targets one'))),
    start_date: date('First day of the campaign'),
    end_date: optional(date('Last day of the campaign; empty while running')),
  }),
  rules: [{ column: 'end_date', check: 'end_date >= start_date', reason: 'campaign ends before it starts' }],
});

export const marketingSpend = defineExtract({
  name: 'marketing_spend',
  system: 'marketing',
  description: 'Spend per day and campaign, split by segment when the ad platform or event budget knows it.',
  key: ['spend_date', 'campaign_id', 'segment'],
  schema: z.object({
    spend_date: date('Day the money was spent', { notInFuture: true }),
    campaign_id: ref('campaigns', 'Campaign the spend belongs to'),
    segment: descriptive(optional(oneOf(SEGMENTS, 'Segment the spend targeted; empty when no segment carries it'))),
    amount: nonNegativeMoney('Spend excl. VAT, in the row\'s currency'),
    currency: currency('Currency of amount (ISO 4217); empty or absent: the company\'s reporting currency'),
  }),
  money: { amount: 'amount' },
  currency: { column: 'currency', rateDate: 'spend_date' },
});

export const campaignLeads = defineExtract({
  name: 'campaign_leads',
  system: 'marketing',
  description: 'Leads attributed to campaigns (multi-touch: a lead may be credited to several campaigns).',
  key: ['campaign_id', 'lead_id'],
  schema: z.object({
    campaign_id: ref('campaigns', 'Campaign credited'),
    lead_id: ref('leads', 'Lead credited to the campaign'),
    touched_at: timestamp('When the lead responded to the campaign', { notInFuture: true }),
    attribution_weight: decimal('Share of the lead credited to this campaign (weights of a lead sum to 1)', { min: 0, max: 1 }),
  }),
});
