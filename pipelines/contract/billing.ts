/** Billing extracts: invoices and credit notes, their lines, and subscriptions. */
import { z } from 'zod';
import { defineExtract } from './extract.js';
import { currency, currencyCode, date, decimal, descriptive, id, integer, money, nonNegativeMoney, oneOf, optional, ref, text } from './columns.js';

export const invoices = defineExtract({
  name: 'invoices',
  system: 'billing',
  description: 'One row per invoice or credit note, in its currency.',
  key: ['invoice_id'],
  schema: z.object({
    invoice_id: id('Invoice or credit-note number'),
    account_id: ref('accounts', 'Customer billed'),
    opportunity_id: descriptive(optional(ref('opportunities', 'Deal the invoice bills, when known'))),
    invoice_date: date('Invoice date: revenue is recognised on this day', { notInFuture: true }),
    document_type: oneOf(['invoice', 'credit_note'], 'Invoice, or credit note cancelling part of one'),
    currency: currencyCode('Currency of the invoice and its lines (ISO 4217); empty: the company\'s reporting currency'),
  }),
  currency: { column: 'currency', rateDate: 'invoice_date' },
});

export const invoiceLines = defineExtract({
  name: 'invoice_lines',
  system: 'billing',
  description: 'One row per invoice line. Credit notes carry negative quantities; invoices positive ones.',
  key: ['invoice_id', 'line_number'],
  schema: z.object({
    invoice_id: ref('invoices', 'Invoice the line belongs to'),
    line_number: integer('Line number within the invoice', 1),
    product_line: descriptive(text('Product line')),
    product_code: descriptive(text('Product or plan code')),
    quantity: decimal('Units; negative on credit notes'),
    unit_price: descriptive(nonNegativeMoney('List price per unit excl. VAT, in the invoice\'s currency')),
    discount_rate: descriptive(decimal('Discount granted on the line, 0 to 1', { min: 0, max: 1 })),
    net_amount: money('Line amount after discount excl. VAT, in the invoice\'s currency; negative on credit notes'),
    unit_cost: nonNegativeMoney('Cost of goods or services sold per unit, in the invoice\'s currency'),
  }),
  crossRules: [
    {
      column: 'quantity',
      other: 'invoices',
      on: 'other.invoice_id = t.invoice_id',
      check: "other.document_type = 'credit_note' OR t.quantity >= 0",
      reason: 'negative quantity on an invoice (returns belong on a credit note)',
    },
    {
      column: 'quantity',
      other: 'invoices',
      on: 'other.invoice_id = t.invoice_id',
      check: "other.document_type = 'invoice' OR t.quantity <= 0",
      reason: 'positive quantity on a credit note',
    },
  ],
  money: { amount: 'net_amount', currencyFrom: { parent: 'invoices', on: 'invoice_id' } },
  // No partial invoice is ever published: a rejected line holds its whole invoice out.
  wholeWith: { parent: 'invoices', column: 'invoice_id' },
});

export const subscriptions = defineExtract({
  name: 'subscriptions',
  system: 'billing',
  description: 'One row per subscription (recurring contract) of a customer to a plan.',
  key: ['subscription_id'],
  schema: z.object({
    subscription_id: id('Subscription identifier'),
    account_id: ref('accounts', 'Subscribing customer'),
    product_line: descriptive(text('Product line of the plan')),
    plan_tier: integer('Plan level within the product line (1 = entry); a higher tier is an upsell', 1),
    start_date: date('First day of the subscription', { notInFuture: true }),
    end_date: optional(date('Last day; empty while active')),
    monthly_amount: nonNegativeMoney('Monthly recurring revenue excl. VAT, in the subscription\'s currency'),
    currency: currency('Currency of monthly_amount (ISO 4217); empty or absent: the company\'s reporting currency'),
  }),
  money: { amount: 'monthly_amount' },
  currency: { column: 'currency', rateDate: 'start_date' },
  rules: [{ column: 'end_date', check: 'end_date >= start_date', reason: 'subscription ends before it starts' }],
});

export const fxRates = defineExtract({
  name: 'fx_rates',
  system: 'billing',
  optional: true,
  description: 'Exchange rates by month: how much one unit of a currency is worth in the company\'s reporting currency.',
  key: ['currency', 'month'],
  schema: z.object({
    currency: currencyCode('Currency converted (ISO 4217)'),
    month: date('Any day of the month the rate applies to (the month is what counts)'),
    rate: decimal('Value of one unit of the currency in the reporting currency, e.g. 0.92 for USD → EUR', { min: 0 }),
  }),
  rules: [{ column: 'rate', check: 'rate > 0', reason: 'a rate must be above 0' }],
});
