/*
description: >
  Customer acquisition cost per calendar year and seller (team = territory): the seller's own
  acquisition time cost (intermediate.int_acquisition_time) plus the marketing spend of the leads
  that reached the seller, divided by the new customers the seller acquired (first purchase in the
  year, credited to the seller; customers already buying when the billing history begins
  excluded). Spend of the leads: each campaign's spend of the year is shared over all the leads the
  campaign is credited with, by attribution weight (intermediate.int_acquisition_lead_attribution),
  and the shares of the leads assigned to the seller are summed; spend of campaigns without leads,
  or of leads assigned to nobody, reaches no seller. One row per seller and year with acquisition
  time, lead spend or a new customer. Figures needing an extract that was not provided are NULL.
grain: année × commercial
unique: [year, seller_id]
not_null: [seller_name, team]
relationships: { seller_id: staging.stg_sellers.seller_id }
kpis:
  - name: CAC by seller
    label: Coût d'acquisition client par commercial
    formula: >
      (coût du temps d'acquisition du commercial + dépenses marketing des leads qui lui sont
      confiés, la dépense de chaque campagne étant répartie sur ses leads crédités selon leur poids
      d'attribution) / nouveaux clients acquis par le commercial dans l'année. Par équipe
      (territoire) en additionnant les deux parts.
    columns: [cac, seller_time_cost, lead_spend, acquisition_cost, new_customers]
    numerator: acquisition_cost
    denominator: new_customers
    numerator_label: "Coût d'acquisition"
    denominator_label: Nouveaux clients
    unit: EUR
    seeds: ['003']
    audiences: [A, E, F]
    needs: [marketing_spend, activities, invoices, invoice_lines]
*/
WITH available AS (
  SELECT
    extract_available('marketing_spend') AS has_spend,
    extract_available('activities') AS has_activities,
    extract_available('invoices') AND extract_available('invoice_lines') AS has_billing
),
campaign_spend AS (
  SELECT campaign_id, fiscal_year_start(spend_date) AS year, sum(amount) AS amount
  FROM staging.stg_marketing_spend
  GROUP BY ALL
),
campaign_weight AS (
  SELECT campaign_id, sum(weight) AS total_weight
  FROM intermediate.int_acquisition_lead_attribution
  GROUP BY ALL
  HAVING sum(weight) > 0
),
seller_weight AS (
  SELECT campaign_id, owner_seller_id AS seller_id, sum(weight) AS weight
  FROM intermediate.int_acquisition_lead_attribution
  WHERE owner_seller_id IS NOT NULL
  GROUP BY ALL
),
lead_spend AS (
  -- Each campaign's share in exact decimals before the sum: a sum of doubles depends on the order
  -- DuckDB's threads add them in, and a figure that moves in its last digit from run to run makes
  -- every seller's page look changed to the next refresh.
  SELECT s.year, w.seller_id, sum(CAST(s.amount * w.weight / c.total_weight AS DECIMAL(38, 12))) AS lead_spend
  FROM campaign_spend s
  JOIN campaign_weight c ON c.campaign_id = s.campaign_id
  JOIN seller_weight w ON w.campaign_id = s.campaign_id
  GROUP BY ALL
),
time_cost AS (
  SELECT fiscal_year_start(month) AS year, seller_id, sum(hours) AS hours, sum(time_cost) AS time_cost
  FROM intermediate.int_acquisition_time
  GROUP BY ALL
),
new_customers AS (
  SELECT fiscal_year_start(first_purchase_date) AS year, acquiring_seller_id AS seller_id, count(*) AS new_customers
  FROM intermediate.int_acquisition_customers
  WHERE is_new_customer AND acquiring_seller_id IS NOT NULL
  GROUP BY ALL
),
keys AS (
  SELECT year, seller_id FROM lead_spend
  UNION
  SELECT year, seller_id FROM time_cost
  UNION
  SELECT year, seller_id FROM new_customers
),
figures AS (
  SELECT
    k.year,
    k.seller_id,
    s.seller_name,
    s.team,
    s.role,
    CASE WHEN av.has_activities THEN coalesce(t.hours, 0) END AS acquisition_hours,
    CASE WHEN av.has_activities THEN coalesce(t.time_cost, 0) END AS seller_time_cost,
    CASE WHEN av.has_spend THEN coalesce(l.lead_spend, 0) END AS lead_spend,
    CASE WHEN av.has_billing THEN coalesce(n.new_customers, 0) END AS new_customers
  FROM keys k
  CROSS JOIN available av
  JOIN staging.stg_sellers s ON s.seller_id = k.seller_id
  LEFT JOIN lead_spend l ON l.year = k.year AND l.seller_id = k.seller_id
  LEFT JOIN time_cost t ON t.year = k.year AND t.seller_id = k.seller_id
  LEFT JOIN new_customers n ON n.year = k.year AND n.seller_id = k.seller_id
)
SELECT
  *,
  seller_time_cost + lead_spend AS acquisition_cost,
  safe_divide(seller_time_cost + lead_spend, new_customers) AS cac
FROM figures
