-- Statistical helpers the models share.
-- Standard normal upper tail P(Z ≥ a) for a ≥ 0 (Abramowitz & Stegun 26.2.17, error below 7.5e-8), and the
-- normal CDF from it: DuckDB has no erf. Turns a z-score into the p-value a multiple-test correction needs.
CREATE OR REPLACE MACRO normal_upper_tail(a) AS
  exp(-a * a / 2) / sqrt(2 * pi()) * (
    0.319381530 * (1 / (1 + 0.2316419 * a)) - 0.356563782 * pow(1 / (1 + 0.2316419 * a), 2)
    + 1.781477937 * pow(1 / (1 + 0.2316419 * a), 3) - 1.821255978 * pow(1 / (1 + 0.2316419 * a), 4)
    + 1.330274429 * pow(1 / (1 + 0.2316419 * a), 5));
CREATE OR REPLACE MACRO normal_cdf(z) AS CASE WHEN z >= 0 THEN 1 - normal_upper_tail(z) ELSE normal_upper_tail(-z) END;
