/**
 * The source contract: every extract the product reads, in dependency order (an extract comes
 * after the extracts it references, so references can be checked against rows already loaded).
 */
import type { z } from 'zod';
import * as crm from './crm.js';
import * as marketing from './marketing.js';
import * as billing from './billing.js';

export const EXTRACTS = [
  billing.fxRates,
  crm.sellers,
  crm.objectives,
  crm.accounts,
  crm.accountOwners,
  crm.contacts,
  marketing.campaigns,
  crm.leads,
  crm.opportunities,
  crm.opportunityStageHistory,
  crm.activities,
  crm.referrals,
  marketing.marketingSpend,
  marketing.campaignLeads,
  billing.invoices,
  billing.invoiceLines,
  billing.subscriptions,
] as const;

export type Extract = (typeof EXTRACTS)[number];
export type ExtractName = Extract['name'];

/** Row type of each extract as loaded, derived from its zod schema. */
export type ExtractRows = { [E in Extract as E['name']]: z.infer<E['schema']> };

export const extractByName = (name: string): Extract | undefined => EXTRACTS.find((e) => e.name === name);

/** The extracts every company must provide (sellers, accounts, opportunities): without them nothing is built. */
export const CORE_EXTRACTS: readonly ExtractName[] = EXTRACTS.filter((e) => 'core' in e && e.core).map((e) => e.name);

export { SEGMENTS, OPPORTUNITY_STAGES, ACTIVITY_TYPES, ACTIVITY_OUTCOMES } from './crm.js';
export type { ExtractDefinition, RowRule, CrossRule, SourceSystem } from './extract.js';
