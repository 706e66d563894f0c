/*
description: >
  Per month and seller: real sales conversations (support excluded), calls to prospects (voicemails
  and no-answers included, customers excluded), prospecting e-mails (outbound to prospects) and the
  ratio of e-mails to calls.
grain: month × seller
unique: [month, seller_id]
not_null: [conversations, prospect_calls, prospecting_emails]
kpis:
  - name: Conversations
    label: Conversations commerciales
    formula: Held calls, meetings, video calls and demos with prospects or customers plus inbound e-mail replies, support excluded.
    columns: [conversations]
    unit: count
    seeds: ['002']
    audiences: [A]
    needs: [activities]
  - name: Prospect calls
    label: Appels de prospection
    formula: Calls to prospects (not existing customers), voicemails and unanswered calls included.
    columns: [prospect_calls]
    unit: count
    seeds: ['002']
    audiences: [A]
    needs: [activities]
  - name: Prospecting emails
    label: E-mails de prospection
    formula: Outbound e-mails to prospects; ratio e-mails / prospect calls per seller.
    columns: [prospecting_emails, emails_per_call]
    numerator: prospecting_emails
    denominator: prospect_calls
    unit: ratio
    seeds: ['002']
    audiences: [A]
    needs: [activities]
*/
SELECT month, seller_id, team,
       count(*) FILTER (WHERE is_conversation) AS conversations,
       count(*) FILTER (WHERE type = 'call' AND counterpart = 'prospect' AND status = 'held') AS prospect_calls,
       count(*) FILTER (WHERE type = 'email' AND counterpart = 'prospect' AND direction = 'outbound') AS prospecting_emails,
       safe_divide(count(*) FILTER (WHERE type = 'email' AND counterpart = 'prospect' AND direction = 'outbound'),
                   count(*) FILTER (WHERE type = 'call' AND counterpart = 'prospect' AND status = 'held')) AS emails_per_call
FROM intermediate.int_activities_enriched
GROUP BY ALL
