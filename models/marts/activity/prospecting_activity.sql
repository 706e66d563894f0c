/*
description: >
  Per month and seller: real sales conversations (support excluded), calls to prospects (voicemails
  and no-answers included, customers excluded), prospecting e-mails (outbound to prospects) and the
  ratio of e-mails to calls.
grain: mois × commercial
unique: [month, seller_id]
not_null: [conversations, prospect_calls, prospecting_emails]
kpis:
  - name: Conversations
    label: Conversations commerciales
    formula: >
      Appels, rendez-vous, visioconférences et démonstrations tenus avec des prospects ou des
      clients, plus les réponses reçues par e-mail, support exclu.
    columns: [conversations]
    unit: count
    seeds: ['002']
    audiences: [A]
    needs: [activities]
  - name: Prospect calls
    label: Appels de prospection
    formula: >
      Appels à des prospects (pas aux clients existants), messages vocaux et appels sans réponse
      compris.
    columns: [prospect_calls]
    unit: count
    seeds: ['002']
    audiences: [A]
    needs: [activities]
  - name: Prospecting emails
    label: E-mails de prospection
    formula: >
      E-mails envoyés à des prospects ; rapport e-mails / appels de prospection par commercial.
    columns: [prospecting_emails, emails_per_call]
    numerator: prospecting_emails
    denominator: prospect_calls
    numerator_label: E-mails de prospection
    denominator_label: Appels de prospection
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
