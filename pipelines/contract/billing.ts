/** Billing extracts: invoices and credit notes, their lines, and subscriptions. */
import { z } from 'zod';
import { defineExtract } from './extract.js';
import { date, decimal, id, integer, money, nonNegativeMoney, oneOf, optional, ref, text } from './columns.js';

export const invoices = defineExtract({
  name: 'invoices',
  system: 'billing',
  description: 'One row per invoice or credit note, in EUR.',
  key: ['invoice_id'],
  schema: z.object({
    invoice_id: id('Invoice or credit-note number'),
    account_id: ref('accounts', 'Customer billed'),
    opportunity_id: optional(ref('opportunities', 'Deal the invoice bills, when known')),
    invoice_date: date('Invoice date: revenue is recognised on this day', { notInFuture: true }),
    document_type: oneOf(['invoice', 'credit_note'], 'Invoice, or credit note cancelling part of one'),
    currency: oneOf(['EUR'], 'Currency; the product reports in EUR only'),
  }),
});

export const invoiceLines = defineExtract({
  name: 'invoice_lines',
  system: 'billing',
  description: 'One row per invoice line. Credit notes carry negative quantities; invoices positive ones.',
  key: ['invoice_id', 'line_number'],
  schema: z.object({
    invoice_id: ref('invoices', 'Invoice the line belongs to'),
    line_number: integer('Line number within the invoice', 1),
    product_line: text('Product line'),
    product_code: text('Product or plan code'),
    quantity: decimal('Units; negative on credit notes'),
    unit_price: nonNegativeMoney('List price per unit, EUR excl. VAT'),
    discount_rate: decimal('Discount granted on the line, 0 to 1', { min: 0, max: 1 }),
    net_amount: money('Line amount after discount, EUR excl. VAT; negative on credit notes'),
    unit_cost: nonNegativeMoney('Cost of goods or services sold per unit, EUR'),
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
});

export const subscriptions = defineExtract({
  name: 'subscriptions',
  system: 'billing',
  description: 'One row per subscription (recurring contract) of a customer to a plan.',
  key: ['subscription_id'],
  schema: z.object({
    subscription_id: id('Subscription identifier'),
    account_id: ref('accounts', 'Subscribing customer'),
    product_line: text('Product line of the plan'),
    plan_tier: integer('Plan level within the product line (1 = entry); a higher tier is an upsell', 1),
    start_date: date('First day of the subscription', { notInFuture: true }),
    end_date: optional(date('Last day; empty while active')),
    monthly_amount: nonNegativeMoney('Monthly recurring revenue, EUR excl. VAT'),
  }),
  rules: [{ column: 'end_date', check: 'end_date >= start_date', reason: 'subscription ends before it starts' }],
});
