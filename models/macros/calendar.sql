-- The company's fiscal calendar (calendar.fiscalYearFirstMonth in kpi-settings.yaml, read from
-- settings.kpi). A fiscal year is named after the calendar year it ends in: with October as first
-- month, FY2026 runs from 1 October 2025 to 30 September 2026; with January, FY2026 is 2026.
CREATE OR REPLACE MACRO fiscal_first_month() AS (SELECT fiscal_year_first_month FROM settings.kpi);
-- First day of the fiscal year holding `day`.
CREATE OR REPLACE MACRO fiscal_year_start(day) AS
  CAST(date_trunc('year', CAST(day AS DATE) - to_months(fiscal_first_month() - 1)) + to_months(fiscal_first_month() - 1) AS DATE);
-- The fiscal year holding `day`, as the number of the calendar year it ends in.
CREATE OR REPLACE MACRO fiscal_year(day) AS
  CAST(year(fiscal_year_start(day)) + CASE WHEN fiscal_first_month() = 1 THEN 0 ELSE 1 END AS INTEGER);
-- 1 to 4: the fiscal quarter holding `day`.
CREATE OR REPLACE MACRO fiscal_quarter(day) AS
  CAST(1 + datediff('month', fiscal_year_start(day), CAST(day AS DATE)) // 3 AS INTEGER);
-- First day of the fiscal quarter holding `day`.
CREATE OR REPLACE MACRO fiscal_quarter_start(day) AS
  CAST(fiscal_year_start(day) + to_months(3 * (fiscal_quarter(day) - 1)) AS DATE);
-- First day of the period of type `grain` (day, week, month, quarter, year) holding `day`:
-- weeks are ISO weeks (Monday), quarters and years are fiscal.
CREATE OR REPLACE MACRO period_start_of(grain, day) AS
  CASE grain
    WHEN 'year' THEN fiscal_year_start(day)
    WHEN 'quarter' THEN fiscal_quarter_start(day)
    ELSE CAST(date_trunc(grain, CAST(day AS DATE)) AS DATE)
  END;
-- How a reader names a period, in French: 'Exercice 2026', 'T1 ex. 2026' (short enough for a chart's
-- axis, and the fiscal year said: with October as first month, T1 ex. 2026 is October–December 2025),
-- '2025-10', 'S41 2025', '2025-10-06'.
CREATE OR REPLACE MACRO period_label(grain, start) AS
  CASE grain
    WHEN 'year' THEN 'Exercice ' || fiscal_year(start)
    WHEN 'quarter' THEN 'T' || fiscal_quarter(start) || ' ex. ' || fiscal_year(start)
    WHEN 'month' THEN strftime(start, '%Y-%m')
    WHEN 'week' THEN 'S' || lpad(CAST(week(start) AS VARCHAR), 2, '0') || ' ' || isoyear(start)
    ELSE strftime(start, '%Y-%m-%d')
  END;
