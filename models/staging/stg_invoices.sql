/*
description: Invoices and credit notes, with the currency they were issued in (their lines are converted in stg_invoice_lines).
grain: invoice
unique: [invoice_id]
accepted_values: { document_type: [invoice, credit_note] }
relationships: { account_id: staging.stg_accounts.account_id }
*/
SELECT invoice_id, account_id, opportunity_id, invoice_date, document_type, document_type = 'credit_note' AS is_credit_note, currency
FROM raw.invoices
