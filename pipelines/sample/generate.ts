/**
 * Deterministic sample data: a French B2B company (software, services, hardware and training sold in
 * EUR by ~20 sellers in 3 regional teams) over three fiscal years, 2023-10-01 → 2026-09-30, written
 * as one file per extract of the source contract (`pipelines/contract`), columns as `columnsOf` says.
 *
 * HOW IT IS BUILT
 * Everything is set-based SQL in an in-memory DuckDB: tables are built over `range(n)`, and every
 * random draw is `hash(hash(seed, entity key, 'purpose'))` mapped to [0, 1) (macro `g_u`; the outer
 * hash re-mixes the bits, since DuckDB combines the hashes of several arguments linearly), so a row's
 * values depend only on the seed and its own key — never on thread scheduling (`random()` is not
 * used). Weighted draws over days use integer cumulative weights and ASOF joins. Every aggregate that
 * feeds an output is exact (integers, cents); window functions always order on unique keys, and files
 * are written `ORDER BY` their key, so the same seed and scale give byte-identical files whatever the
 * thread count. Money is computed in integer cents: unit prices are multiples of 0.20 EUR and discounts
 * multiples of 5 %, so `net_amount = round(quantity * unit_price * (1 - discount_rate), 2)` holds exactly.
 * Timestamps stay before 2026-09-30 00:00 and dates never pass 2026-09-30 (the extract date).
 *
 * VOLUMES (linear in the scale s, sellers in √s; seed 42)
 *   s = 1: 20 sellers (3 managers, 3 SDRs, 13 AEs + 1 joiner), 3.1k accounts, 17.1k leads, 5.9k
 *   opportunities, 195k activities, 15.5k invoices, 87.5k invoice lines, 1k subscriptions.
 *   s = 50: 141 sellers, 156k accounts, 856k leads, 308k opportunities (977k stage-history rows),
 *   9.85M activities, 805k invoices, 4.63M invoice lines — about 75 s and 9 GB of RAM on 2 cores.
 *
 * PATTERNS THE KPI MODELS MUST FIND — definitions, and the magnitudes measured at scale 1, seed 42
 *  1. Concentration. Revenue → seller: invoices with an opportunity go to its owner, the others
 *     (subscriptions) to the account's owner at the invoice date (pattern 12). The stars (15 % of AEs: S004 and S005 at scale 1; they own
 *     ~2.5× more accounts, win 1.45× more often, sign 1.3× bigger deals) carry 34.2 % of invoiced
 *     revenue (17.6 % + 16.6 %; next seller 9.6 %).
 *  2. CAC vs first-year margin. CAC cost of a segment = marketing_spend tagged with the segment +
 *     seller time on its prospects (activities with counterpart = prospect on accounts of the segment,
 *     any status: duration_minutes / 60 × hourly_cost). First-year gross margin = Σ(net_amount −
 *     quantity × unit_cost) over invoices dated in [first won close, +365 days) of the customers
 *     acquired in the period (first won deal in the period; base customers, see 7, excluded).
 *     Segment-tagged spend is calibrated per fiscal year (Oct–Sep) on the customers acquired that year:
 *     Or 85.0 % every year and over the 3 years (3.38 M€ spend — trade shows, Club Or dinners, LinkedIn
 *     ABM — + 0.21 M€ time vs 4.22 M€ margin of 40 customers); Argent 30.0 %; Bronze 42.9 % (40 % in
 *     FY2024–25, 47.8 % in FY2026, where prospect time alone exceeds the target). Counting the time of
 *     all activities on the segment's accounts instead: Or 93.8 %, Argent 46.3 %, Bronze 65.2 %.
 *     Spend with an empty segment (Google Ads, content, partner commissions, newsletters, untargeted
 *     webinars; 1,215 rows) is 9.6 % of the 4.41 M€ spent and left out of these ratios.
 *  3. Effort per won deal. AEs with ae_no % 5 = 3 (S006, S011) hold 0.55× the usual extra meetings on a
 *     deal, AEs with ae_no % 5 = 4 (S007, S012) 1.35×, at the same win probability: on new-business
 *     Argent deals, 2.6 vs 3.8–4.0 held meetings per deal (team 3.25), i.e. ~24 vs ~34 per won deal.
 *     Deal outcomes are drawn from a golden-ratio sequence per seller, segment and kind, so each seller's
 *     win count follows the probabilities within about one deal.
 *  4. No-shows. 20.0 % of meetings/video calls/demos with prospects or customers (status held, no_show,
 *     cancelled) are no_show; 49.4 % of them are rebooked (rebooked_activity_id → the later meeting that
 *     replaced them); 204 cancelled, 58 still planned on the last two days.
 *  5. Leads. 24.7 % never engaged (no inbound activity and no held call or meeting other than
 *     voicemail / no_answer); 7.8 % never touched (first_touch_at empty, status new); median time to
 *     first touch 2.7 h hot, 19.5 h warm, 43.6 h cold. first_touch_at = the lead's first activity.
 *  6. Deals. Win rate on proposals (won / decided deals that reached proposal) 26.5 %; 256 deals open
 *     on 2026-09-30 (93 qualified, 100 proposal, 63 negotiation); stage history has a row for every stage
 *     entered (qualified → proposal → negotiation → won/lost, losses at any stage). Won new-business
 *     cycles average 48 days for Bronze, 67 for Argent, 118 for Or (30–160, a few shorter expansions).
 *  7. Customers. Base customers (12 % of accounts, created before 2023) hold subscriptions started
 *     before 2023-10 and are invoiced from the first month; they are not "acquired". 430 customers
 *     acquired; churn ends subscriptions (49 / 121 / 86 ended in FY2024/25/26 without a successor) and
 *     leaves 183 former_customer accounts; 96 upsells (a later Logiciel subscription with a higher
 *     plan_tier); 39.8 % of new customers later win a deal on another product line (cross-sell); 16.5 %
 *     a second won deal within 90 days; 14.2 % give a valid referral within 6 months.
 *  8. Seasonality. Leads and won deals dip in August (3.3 % of wins) and late December (1.1 % of wins
 *     in Dec 16–31; those deals slip to January); 19 % of wins close in the last two weeks of March,
 *     June or September (end-of-quarter push); September also gets the deals delayed by August.
 *  9. Activities. Calls (voicemail / no_answer outcomes), e-mails (outbound and inbound replies),
 *     meetings/video/demos (stage_advanced, next_meeting_booked, proposal_requested or no_progress),
 *     support calls to customers (purpose support), admin tasks. Admin share of logged hours: AEs 29–39 %,
 *     43.7–43.9 % for ae_no % 6 = 5 (S008, S014), SDRs 26–27 %, managers 92–96 %.
 * 10. Billing. Every won deal is invoiced with its opportunity_id; the invoiced total equals the amount
 *     (1,117 won deals, all within ±2 %; 280 differ through travel-fee lines or 27 goodwill credit
 *     notes); subscriptions are invoiced on the 1st of each month without opportunity (86 credit notes);
 *     gross margin Logiciel 84.6 %, Formation 53.0 %, Services 37.0 %, Matériel 24.3 %; discounts 0–20 %.
 * 11. Objectives. Per AE and month, flat per fiscal year, set so that ~67 % of the months reach them:
 *     70.0 % of the 474 seller-months reach the revenue target (revenue attributed as in 1), 70.3 % the
 *     meetings target (held meetings with prospects or customers).
 * 12. Ownership. Accounts of a leaver's territory pass to the joiner on the handover day (165 days
 *     before the leave date); account_owners holds that history (the AE from the account's creation,
 *     the joiner from the handover), accounts.owner_seller_id the owner at extract time. Revenue
 *     without a deal goes to the owner at the invoice date (pattern 1, objectives of pattern 11).
 * 13. Personal data. Contacts carry French names, e-mails ending in `@example.fr` and `+33 …` phones.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { EXTRACTS, type ExtractName } from '../contract/index.js';
import { columnsOf } from '../contract/derive.js';
import { assertDay, pointInTimeSteps } from '../load/point-in-time.js';
import * as R from './reference.js';
import { SAMPLE_SETTINGS_FILE } from './settings.js';

/**
 * The extracts and columns the sample company writes: it sells in EUR only, so it has no exchange
 * rates and omits the currency columns a file may leave out (they then mean the company's EUR).
 */
export const SAMPLE_EXTRACTS = EXTRACTS.filter((e) => e.name !== 'fx_rates');
/** Columns a file may omit that the sample company's CRM does export: a deal's name, expected close and forecast category. */
const SAMPLE_EXPORTED_OPTIONAL = new Set(['opportunity_name', 'expected_close_at', 'forecast_category']);
export const sampleColumnsOf = (extract: (typeof EXTRACTS)[number]) =>
  columnsOf(extract).filter((c) => !c.mayBeAbsent || SAMPLE_EXPORTED_OPTIONAL.has(c.name));

export interface SampleOptions {
  outDir: string;
  /** Size multiplier: 1 ≈ 20 sellers, 3,000 accounts; fractional scales give tiny test sets. */
  scale?: number;
  seed?: number;
  format?: 'csv' | 'parquet';
  /** DuckDB threads (the output does not depend on it). */
  threads?: number;
  /**
   * DuckDB memory_limit and spill folder for the in-memory generator (the output does not depend
   * on them): the benchmark's large preset needs more than the machine's RAM without them.
   */
  memoryLimit?: string;
  tempDirectory?: string;
  /** Progress messages (step name and seconds). */
  log?: (message: string) => void;
  /**
   * Write the company as exported at the end of this day (YYYY-MM-DD, within the sample's three
   * years): rows after it absent, deals closed later open at their stage of that day, etc.
   */
  exportDate?: string;
}

export const SAMPLE_START = '2023-10-01';
export const SAMPLE_END = '2026-09-30';

const START = `DATE '${SAMPLE_START}'`;
const END = `DATE '${SAMPLE_END}'`;
/** Last day that can carry a timestamp (timestamps stay strictly before the extract date). */
const LASTDAY = `DATE '2026-09-29'`;
const LAST_TS = `TIMESTAMP '2026-09-29 23:59:59'`;
/** Meetings from this moment on are still `planned` in the extract. */
const PLANNED_FROM = `TIMESTAMP '2026-09-28 00:00:00'`;

const str = (s: string) => `'${s.replace(/'/g, "''")}'`;
const list = (values: readonly string[]) => `[${values.map(str).join(', ')}]`;

/** Seller owning territory `t` at day `d` (a leaver hands the territory over to the joiner). */
const ownerAt = (t: string, d: string) =>
  `(CASE WHEN ${t}.joiner_sid IS NOT NULL AND (${d}) >= ${t}.handover THEN ${t}.joiner_sid ELSE ${t}.ae_sid END)`;

/**
 * Adds `day`: a day drawn from calendar `cal` between the row's `lo` and `hi` dates (inclusive),
 * proportionally to the calendar's integer weights, with uniform `u` (an expression over alias `s`).
 */
const sampleDay = (src: string, cal: string, u: string) => `(
  SELECT x.* EXCLUDE (tgt), c.d AS day FROM (
    SELECT s.*, lo_c.cum_lo + floor((${u}) * (hi_c.cum_lo + hi_c.w - lo_c.cum_lo))::BIGINT AS tgt
    FROM ${src} s JOIN ${cal} lo_c ON lo_c.d = s.lo JOIN ${cal} hi_c ON hi_c.d = s.hi) x
  ASOF JOIN ${cal} c ON x.tgt >= c.cum_lo)`;

interface Sizes {
  scale: number;
  teams: number;
  aes: number;
  leavers: number;
  stars: number;
  sellers: number;
  accounts: number;
  leads: number;
}

const sizesFor = (scale: number): Sizes => {
  const root = Math.sqrt(scale);
  const teams = Math.max(3, Math.round(3 * root));
  const aes = Math.max(5, Math.round(13 * root));
  const leavers = Math.max(1, Math.round(aes * 0.08));
  return {
    scale,
    teams,
    aes,
    leavers,
    stars: Math.max(2, Math.round(aes * 0.15)),
    sellers: 2 * teams + aes + leavers,
    accounts: Math.max(60, Math.round(3000 * scale)),
    leads: Math.max(300, Math.round(17000 * scale)),
  };
};

// ---------------------------------------------------------------------------------------------
// SQL building blocks
// ---------------------------------------------------------------------------------------------

const macros = (seed: number) => `
CREATE MACRO g_u(k, p) AS ((hash(hash(${seed}::UBIGINT, k, p)) >> 11)::DOUBLE / 9007199254740992.0);
CREATE MACRO g_u2(k1, k2, p) AS ((hash(hash(${seed}::UBIGINT, k1, k2, p)) >> 11)::DOUBLE / 9007199254740992.0);
CREATE MACRO g_u3(k1, k2, k3, p) AS ((hash(hash(${seed}::UBIGINT, k1, k2, k3, p)) >> 11)::DOUBLE / 9007199254740992.0);
CREATE MACRO g_int(k, p, lo, hi) AS ((lo) + floor(g_u(k, p) * ((hi) - (lo) + 1)))::BIGINT;
CREATE MACRO g_int2(k1, k2, p, lo, hi) AS ((lo) + floor(g_u2(k1, k2, p) * ((hi) - (lo) + 1)))::BIGINT;
CREATE MACRO g_int3(k1, k2, k3, p, lo, hi) AS ((lo) + floor(g_u3(k1, k2, k3, p) * ((hi) - (lo) + 1)))::BIGINT;
CREATE MACRO g_exp(k, p) AS (-ln(1 - g_u(k, p)));
CREATE MACRO g_norm(k, p) AS (sqrt(-2 * ln(1 - g_u(k, p || '.a'))) * cos(2 * pi() * g_u(k, p || '.b')));
CREATE MACRO wd_back(d) AS (d::DATE - CASE dayofweek(d::DATE) WHEN 6 THEN 1 WHEN 0 THEN 2 ELSE 0 END);
CREATE MACRO wd_fwd(d) AS (d::DATE + CASE dayofweek(d::DATE) WHEN 6 THEN 2 WHEN 0 THEN 1 ELSE 0 END);
CREATE MACRO at_biz(d, x) AS (d::DATE::TIMESTAMP + to_seconds((30600 + floor((x) * 36000))::BIGINT));
CREATE MACRO at_morning(d, x) AS (d::DATE::TIMESTAMP + to_seconds((30600 + floor((x) * 5400))::BIGINT));
CREATE MACRO plus_hours(ts, h) AS (ts + to_seconds(floor((h) * 3600)::BIGINT));
CREATE MACRO next_biz(ts, x) AS (CASE
  WHEN dayofweek(ts) IN (0, 6) THEN at_morning(wd_fwd(ts::DATE), x)
  WHEN ts::TIME >= TIME '18:30:00' THEN at_morning(wd_fwd(ts::DATE + 1), x)
  WHEN ts::TIME < TIME '08:30:00' THEN at_morning(ts::DATE, x)
  ELSE date_trunc('second', ts) END);
CREATE MACRO in_window(t0, t1, x, y) AS least(greatest(
  at_biz(greatest(wd_back((t0 + to_seconds(floor(date_diff('second', t0, t1) * (x))::BIGINT))::DATE), t0::DATE), y),
  t0 + INTERVAL 30 MINUTE), t1 - INTERVAL 30 MINUTE);
CREATE MACRO fy(d) AS (year(d) + CASE WHEN month(d) >= 10 THEN 1 ELSE 0 END);
CREATE MACRO tier0(aid, seg) AS (CASE seg
  WHEN 'Bronze' THEN CASE WHEN g_u(aid, 'tier0') < 0.7 THEN 1 ELSE 2 END
  WHEN 'Argent' THEN CASE WHEN g_u(aid, 'tier0') < 0.3 THEN 1 WHEN g_u(aid, 'tier0') < 0.8 THEN 2 ELSE 3 END
  ELSE CASE WHEN g_u(aid, 'tier0') < 0.4 THEN 2 ELSE 3 END END);
CREATE MACRO churn_day(aid, since, seg) AS last_day(since + 180
  + floor(g_exp(aid, 'churn') * CASE seg WHEN 'Or' THEN 3800 WHEN 'Argent' THEN 2500 ELSE 1650 END)::INTEGER);
CREATE MACRO meeting_type(k1, k2, seg) AS (CASE WHEN seg = 'Or'
  THEN CASE WHEN g_u2(k1, k2, 'mt') < 0.45 THEN 'meeting' WHEN g_u2(k1, k2, 'mt') < 0.70 THEN 'demo' ELSE 'video' END
  ELSE CASE WHEN g_u2(k1, k2, 'mt') < 0.30 THEN 'meeting' WHEN g_u2(k1, k2, 'mt') < 0.50 THEN 'demo' ELSE 'video' END END);
CREATE MACRO meeting_minutes(k1, k2, type, seg) AS (CASE type
  WHEN 'meeting' THEN CASE WHEN seg = 'Or' THEN g_int2(k1, k2, 'mm', 60, 120) ELSE g_int2(k1, k2, 'mm', 45, 90) END
  WHEN 'demo' THEN g_int2(k1, k2, 'mm', 45, 90)
  ELSE g_int2(k1, k2, 'mm', 30, 60) END);
`;

const calendars = () => `
CREATE TABLE cal_base AS
SELECT d,
  CASE month(d) WHEN 8 THEN 0.45 WHEN 7 THEN 0.85 WHEN 9 THEN 1.15 WHEN 10 THEN 1.1
    WHEN 12 THEN CASE WHEN day(d) >= 22 THEN 0.25 ELSE 0.8 END
    WHEN 1 THEN CASE WHEN day(d) <= 2 THEN 0.25 ELSE 1.05 END ELSE 1.0 END AS mf,
  1 + 0.2 * (d - ${START}) / 365.0 AS growth,
  strftime(d, '%m-%d') IN ('01-01', '05-01', '05-08', '07-14', '08-15', '11-01', '11-11', '12-25') AS holiday
FROM (SELECT range::DATE AS d FROM range(${START}, ${END}, INTERVAL 1 DAY));

CREATE TABLE cal_lead AS
SELECT d, w, sum(w) OVER (ORDER BY d ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - w AS cum_lo FROM (
  SELECT d, greatest(1, round(1000 * mf * growth * CASE WHEN holiday THEN 0.15 ELSE 1 END
    * CASE dayofweek(d) WHEN 6 THEN 0.12 WHEN 0 THEN 0.08 ELSE 1 END))::BIGINT AS w FROM cal_base);

CREATE TABLE cal_biz AS
SELECT d, w, sum(w) OVER (ORDER BY d ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - w AS cum_lo FROM (
  SELECT d, CASE WHEN dayofweek(d) IN (0, 6) OR holiday THEN 1
    ELSE greatest(1, round(1000 * mf * growth))::BIGINT END AS w FROM cal_base);
`;

const sellersSql = (z: Sizes) => {
  const { teams: T, aes: A, leavers: J, stars: S, sellers: N } = z;
  const groups = R.REGION_GROUPS.map((g) => g[0]);
  return `
CREATE TABLE sellers_i AS
WITH b AS (
  SELECT i AS sid,
    CASE WHEN i <= ${T} THEN 'manager' WHEN i <= ${T + A} THEN 'account_executive'
         WHEN i <= ${2 * T + A} THEN 'sdr' ELSE 'account_executive' END AS role,
    CASE WHEN i > ${T} AND i <= ${T + A} THEN i - ${T} END AS ae_no,
    CASE WHEN i > ${2 * T + A} THEN i - ${2 * T + A} END AS joiner_no
  FROM range(1, ${N + 1}) t(i)),
c AS (
  SELECT b.*,
    coalesce(ae_no <= ${S}, false) AS is_star,
    CASE WHEN ae_no > ${A - J} THEN ae_no - ${A - J} END AS leaver_no,
    CASE WHEN role = 'manager' THEN sid - 1
         WHEN ae_no IS NOT NULL THEN (ae_no - 1) % ${T}
         WHEN role = 'sdr' THEN sid - ${T + A} - 1
         ELSE (${A - J} + joiner_no - 1) % ${T} END AS team_idx
  FROM b),
d AS (
  SELECT c.*,
    CASE WHEN leaver_no IS NOT NULL
      THEN last_day(DATE '2025-05-01' + to_months(((leaver_no - 1) * 11 // ${J})::INTEGER)) END AS leave_date,
    CASE WHEN joiner_no IS NOT NULL
      THEN last_day(DATE '2025-05-01' + to_months(((joiner_no - 1) * 11 // ${J})::INTEGER)) - 165 END AS joiner_handover
  FROM c)
SELECT d.* EXCLUDE (joiner_handover),
  coalesce(leave_date - 165, joiner_handover) AS handover,
  CASE WHEN joiner_no IS NOT NULL THEN wd_fwd(joiner_handover - 21)
       WHEN role = 'manager' THEN wd_fwd(DATE '2012-01-02' + g_int(sid, 'sl.start', 0, 2900)::INTEGER)
       WHEN role = 'sdr' THEN wd_fwd(DATE '2021-01-04' + g_int(sid, 'sl.start', 0, 960)::INTEGER)
       ELSE wd_fwd(DATE '2015-01-05' + g_int(sid, 'sl.start', 0, 3100)::INTEGER) END AS start_date,
  printf('S%03d', sid) AS seller_id,
  list_element(${list(R.FIRST_NAMES)}, 1 + ((sid * 37 + g_int(0, 'sl.fn', 0, 1000)) % ${R.FIRST_NAMES.length})::INTEGER)
    || ' ' || list_element(${list(R.LAST_NAMES)}, 1 + ((sid * 53 + g_int(0, 'sl.ln', 0, 1000)) % ${R.LAST_NAMES.length})::INTEGER) AS seller_name,
  list_element(${list(groups)}, (team_idx % 3 + 1)::INTEGER)
    || CASE WHEN ${T} > 3 THEN ' ' || (team_idx // 3 + 1) ELSE '' END AS team,
  CASE WHEN role = 'manager' THEN CASE WHEN sid = 1 THEN NULL ELSE 1 END ELSE team_idx + 1 END AS manager_sid,
  round(CASE role WHEN 'manager' THEN 95 + 15 * g_u(sid, 'sl.cost') WHEN 'sdr' THEN 38 + 7 * g_u(sid, 'sl.cost')
    ELSE CASE WHEN is_star THEN 82 + 6 * g_u(sid, 'sl.cost') ELSE 58 + 18 * g_u(sid, 'sl.cost') END END, 2)::DECIMAL(18, 2) AS hourly_cost,
  CASE WHEN is_star THEN 1.45 WHEN ae_no % 5 IN (3, 4) THEN 1.0 ELSE 0.82 + 0.26 * g_u(sid, 'sl.win') END AS win_mult,
  CASE WHEN is_star THEN 1.3 ELSE 0.9 + 0.2 * g_u(sid, 'sl.amt') END AS amt_mult,
  CASE WHEN is_star THEN 0.95 WHEN ae_no % 5 = 3 THEN 0.55 WHEN ae_no % 5 = 4 THEN 1.35
       ELSE 0.88 + 0.14 * g_u(sid, 'sl.meet') END AS meet_factor,
  CASE WHEN role = 'manager' THEN 0.55 + 0.1 * g_u(sid, 'sl.adm') WHEN role = 'sdr' THEN 0.26 + 0.06 * g_u(sid, 'sl.adm')
       WHEN is_star THEN 0.29 WHEN ae_no % 6 = 5 THEN 0.42 + 0.05 * g_u(sid, 'sl.adm')
       ELSE 0.30 + 0.08 * g_u(sid, 'sl.adm') END AS admin_share,
  CASE WHEN is_star THEN 2500 ELSE 900 + g_int(sid, 'sl.terr', 0, 200) END AS terr_w,
  CASE WHEN is_star THEN 0.8 ELSE 0.57 + 0.2 * g_u(sid, 'sl.quota') END AS quota_reach
FROM d;

CREATE TABLE terr AS
SELECT s.ae_no AS terr, s.team_idx, s.sid AS ae_sid, j.sid AS joiner_sid, s.handover,
  s.terr_w AS w, sum(s.terr_w) OVER (ORDER BY s.ae_no ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - s.terr_w AS cum_lo,
  coalesce(j.sid, s.sid) AS current_sid
FROM sellers_i s LEFT JOIN sellers_i j ON j.joiner_no = s.leaver_no
WHERE s.ae_no IS NOT NULL;

CREATE TABLE regions AS SELECT * FROM (VALUES ${R.REGION_GROUPS.flatMap(([, regions], g) => {
    let lo = 0;
    return regions.map(([name, w]) => {
      const row = `(${g}, ${str(name)}, ${lo}, ${lo + w})`;
      lo += w;
      return row;
    });
  }).join(', ')}) t(grp, region, lo, hi);
`;
};

const campaignsSql = () => {
  const events = R.EVENTS.map(([name, month, day, days, target, size]) =>
    `(${str(name)}, ${month}, ${day}, ${days}, ${str(target)}, ${size})`).join(', ');
  return `
CREATE TABLE campaigns_i AS
WITH q AS (SELECT range::DATE AS p FROM range(${START}, ${END}, INTERVAL 3 MONTH)),
m AS (SELECT range::DATE AS p, row_number() OVER (ORDER BY range) AS n FROM range(${START}, ${END}, INTERVAL 1 MONTH)),
h AS (SELECT range::DATE AS p, row_number() OVER (ORDER BY range) AS n FROM range(${START}, ${END}, INTERVAL 6 MONTH)),
y AS (SELECT range::DATE AS p FROM range(${START}, ${END}, INTERVAL 12 MONTH)),
ev AS (SELECT f.fy, e.* FROM (SELECT unnest([2024, 2025, 2026]) AS fy) f,
  (VALUES ${events}) e(name, mo, dd, ndays, target, size)),
all_c AS (
  SELECT 'paid_search' AS ckey, 'paid_search' AS channel, 'Google Ads – T' || quarter(p) || ' ' || year(p) AS campaign_name,
    NULL::VARCHAR AS target_segment, p AS p_start, (p + INTERVAL 3 MONTH)::DATE - 1 AS p_end, 1 AS ndays, 0 AS size FROM q
  UNION ALL
  SELECT 'paid_social', 'paid_social', 'LinkedIn Ads PME – T' || quarter(p) || ' ' || year(p), NULL, p, (p + INTERVAL 3 MONTH)::DATE - 1, 1, 0 FROM q
  UNION ALL
  SELECT 'paid_social_or', 'paid_social', 'LinkedIn ABM Grands Comptes – T' || quarter(p) || ' ' || year(p), 'Or', p, (p + INTERVAL 3 MONTH)::DATE - 1, 1, 0 FROM q
  UNION ALL
  SELECT 'webinar', 'webinar',
    'Webinar « ' || list_element(${list(R.WEBINAR_TOPICS)}, ((n - 1) % ${R.WEBINAR_TOPICS.length} + 1)::INTEGER) || ' » – '
      || list_element(${list(R.MONTHS_FR)}, month(p)) || ' ' || year(p),
    CASE n % 3 WHEN 1 THEN 'Argent' WHEN 2 THEN 'Bronze' END, p, (p + INTERVAL 1 MONTH)::DATE - 1, 1, 0 FROM m
  UNION ALL
  SELECT 'email', 'email', 'Newsletter ' || list_element(${list(R.MONTHS_FR)}, month(p)) || ' ' || year(p), NULL, p,
    (p + INTERVAL 1 MONTH)::DATE - 1, 1, 0 FROM m
  UNION ALL
  SELECT 'content', 'content', 'Livre blanc : ' || list_element(${list(R.CONTENT_TITLES)}, ((n - 1) % ${R.CONTENT_TITLES.length} + 1)::INTEGER)
    || ' (' || list_element(${list(R.MONTHS_FR)}, month(p)) || ' ' || year(p) || ')', NULL, p, (p + INTERVAL 6 MONTH)::DATE - 1, 1, 0 FROM h
  UNION ALL
  SELECT 'partner', 'partner', 'Programme partenaires ' || year(p) || '-' || (year(p) + 1), NULL, p, (p + INTERVAL 12 MONTH)::DATE - 1, 1, 0 FROM y
  UNION ALL
  SELECT 'event', 'event', name || ' ' || year(sd), target, sd, sd + ndays - 1, ndays, size
  FROM (SELECT ev.*, wd_fwd(make_date(CASE WHEN mo >= 10 THEN fy - 1 ELSE fy END, mo, dd)) AS sd FROM ev))
SELECT row_number() OVER (ORDER BY p_start, campaign_name) AS cid, all_c.* FROM all_c;

CREATE TABLE events AS
SELECT CASE WHEN target_segment = 'Or' THEN 'Or' ELSE 'other' END AS grp, p_start AS start_date, cid, ndays
FROM campaigns_i WHERE channel = 'event';

CREATE TABLE camp_periods AS SELECT ckey, p_start, p_end, cid FROM campaigns_i WHERE channel <> 'event';
`;
};

const accountsSql = (z: Sizes) => `
CREATE TABLE acc1 AS
WITH a AS (
  SELECT i AS aid, g_u(i, 'acc.kind') AS uk, g_u(i, 'acc.seg') AS us,
    floor(g_u(i, 'acc.terr') * (SELECT sum(w) FROM terr))::BIGINT AS tt
  FROM range(1, ${z.accounts + 1}) t(i))
SELECT a.aid,
  CASE WHEN uk < 0.12 THEN 'base_customer' WHEN uk < 0.37 THEN 'base_prospect' ELSE 'new' END AS kind,
  CASE WHEN us < 0.10 THEN 'Or' WHEN us < 0.40 THEN 'Argent' ELSE 'Bronze' END AS segment,
  t.terr, t.team_idx,
  CASE WHEN uk < 0.12 THEN least(4, floor(1.5 * g_exp(a.aid, 'acc.nl')))
       WHEN uk < 0.37 THEN least(7, floor(3.5 * g_exp(a.aid, 'acc.nl')))
       ELSE 1 + least(7, floor(3.5 * g_exp(a.aid, 'acc.nl'))) END::BIGINT AS n_leads,
  wd_fwd(DATE '2016-01-04' + g_int(a.aid, 'acc.created', 0, 2820)::INTEGER) AS base_created
FROM a ASOF JOIN terr t ON a.tt >= t.cum_lo;
`;

/** Turns lead stubs (lid, aid, segment, terr, team_idx, acc_kind, lkind, ref_valid, lo, hi, grp) into leads. */
const resolveLeadsSql = (stub: string, out: string, z: Sizes) => `
CREATE TABLE ${out} AS
WITH s1 AS (SELECT st.*, g_u(lid, 'ld.src') AS usrc, g_u(lid, 'ld.warm') AS uw FROM ${stub} st),
s2 AS (
  SELECT s1.*, CASE
    WHEN lkind = 'referral' THEN 'referral'
    WHEN lkind = 'orphan' THEN CASE WHEN usrc < 0.18 THEN 'website' WHEN usrc < 0.44 THEN 'paid_ads' WHEN usrc < 0.49 THEN 'event'
      WHEN usrc < 0.62 THEN 'webinar' WHEN usrc < 0.95 THEN 'content' ELSE 'partner' END
    WHEN segment = 'Or' THEN CASE WHEN usrc < 0.12 THEN 'website' WHEN usrc < 0.18 THEN 'paid_ads' WHEN usrc < 0.48 THEN 'event'
      WHEN usrc < 0.55 THEN 'webinar' WHEN usrc < 0.60 THEN 'content' WHEN usrc < 0.88 THEN 'outbound' ELSE 'partner' END
    ELSE CASE WHEN usrc < 0.22 THEN 'website' WHEN usrc < 0.37 THEN 'paid_ads' WHEN usrc < 0.45 THEN 'event'
      WHEN usrc < 0.56 THEN 'webinar' WHEN usrc < 0.67 THEN 'content' WHEN usrc < 0.92 THEN 'outbound' ELSE 'partner' END
  END AS source0 FROM s1),
s3 AS ${sampleDay('s2', 'cal_lead', "g_u(s.lid, 'ld.day')")},
s4 AS (
  SELECT s3.*, ev.cid AS ev_cid0, ev.start_date AS ev_start, ev.ndays AS ev_days
  FROM s3 ASOF LEFT JOIN events ev ON s3.grp = ev.grp AND s3.day <= ev.start_date),
s5 AS (
  SELECT s4.*,
    CASE WHEN source0 = 'event' AND ev_cid0 IS NULL THEN 'website' ELSE source0 END AS source,
    CASE WHEN source0 = 'event' THEN ev_cid0 END AS ev_cid,
    CASE WHEN source0 = 'event' AND ev_cid0 IS NOT NULL
      THEN ev_start + g_int(lid, 'ld.evd', 0, ev_days - 1)::INTEGER ELSE day END AS lday
  FROM s4),
s6 AS (
  SELECT s5.*,
    CASE source
      WHEN 'website' THEN CASE WHEN uw < 0.45 THEN 'hot' WHEN uw < 0.80 THEN 'warm' ELSE 'cold' END
      WHEN 'paid_ads' THEN CASE WHEN uw < 0.20 THEN 'hot' WHEN uw < 0.60 THEN 'warm' ELSE 'cold' END
      WHEN 'event' THEN CASE WHEN uw < 0.25 THEN 'hot' WHEN uw < 0.75 THEN 'warm' ELSE 'cold' END
      WHEN 'webinar' THEN CASE WHEN uw < 0.15 THEN 'hot' WHEN uw < 0.65 THEN 'warm' ELSE 'cold' END
      WHEN 'content' THEN CASE WHEN uw < 0.05 THEN 'hot' WHEN uw < 0.30 THEN 'warm' ELSE 'cold' END
      WHEN 'outbound' THEN CASE WHEN uw < 0.05 THEN 'hot' WHEN uw < 0.30 THEN 'warm' ELSE 'cold' END
      WHEN 'referral' THEN CASE WHEN uw < 0.60 THEN 'hot' WHEN uw < 0.95 THEN 'warm' ELSE 'cold' END
      ELSE CASE WHEN uw < 0.35 THEN 'hot' WHEN uw < 0.80 THEN 'warm' ELSE 'cold' END END AS warmth,
    CASE source
      WHEN 'paid_ads' THEN CASE WHEN segment = 'Or' THEN 'paid_social_or' WHEN g_u(lid, 'ld.ch') < 0.6 THEN 'paid_search' ELSE 'paid_social' END
      WHEN 'webinar' THEN 'webinar' WHEN 'content' THEN 'content' WHEN 'partner' THEN 'partner'
      WHEN 'website' THEN CASE WHEN g_u(lid, 'ld.nl') < 0.25 THEN 'email' END END AS ckey
  FROM s5)
SELECT s6.lid, s6.aid, s6.segment, s6.terr, s6.team_idx, s6.acc_kind, s6.lkind, s6.ref_valid, s6.source, s6.warmth, s6.lday,
  coalesce(s6.ev_cid, cp.cid) AS cid,
  s6.lday::TIMESTAMP + to_seconds(CASE WHEN s6.source = 'outbound' OR (s6.lkind <> 'orphan' AND s6.warmth <> 'cold')
    THEN 30600 + floor(g_u(s6.lid, 'ld.tod') * 34200) ELSE 25200 + floor(g_u(s6.lid, 'ld.tod') * 57600) END::BIGINT) AS created_ts,
  CASE WHEN g_u(s6.lid, 'ld.unassigned') < 0.03 AND s6.source <> 'outbound' AND s6.lkind <> 'referral' THEN NULL
       WHEN s6.lkind <> 'orphan' AND (s6.warmth = 'hot' OR s6.lkind = 'referral') THEN ${ownerAt('t', 's6.lday')}
       ELSE ${z.teams + z.aes} + 1 + s6.team_idx END AS owner_sid
FROM s6
LEFT JOIN camp_periods cp ON cp.ckey = s6.ckey AND s6.lday BETWEEN cp.p_start AND cp.p_end
LEFT JOIN terr t ON t.terr = s6.terr;
`;

/**
 * Works leads: first touch, call/e-mail attempts, engagement (answered call or inbound reply),
 * discovery meeting and qualification. Creates `lf_<x>` (one row per lead), `la_<x>` (activities)
 * and `os_<x>` (opportunity stubs of the qualified leads).
 */
const leadFlowSql = (leads: string, x: string) => `
CREATE TABLE lf0_${x} AS
SELECT l.*,
  (l.owner_sid IS NULL OR (l.source <> 'outbound' AND g_u(l.lid, 'lf.untouched')
    < CASE l.warmth WHEN 'hot' THEN 0.01 WHEN 'warm' THEN 0.03 ELSE 0.08 END + CASE WHEN l.lkind = 'orphan' THEN 0.02 ELSE 0 END)) AS never_touch,
  next_biz(plus_hours(l.created_ts, CASE WHEN l.source = 'outbound' THEN 0.02 + 0.3 * g_u(l.lid, 'lf.delay')
    ELSE g_exp(l.lid, 'lf.delay') * CASE l.warmth WHEN 'hot' THEN 2.5 WHEN 'warm' THEN 18 ELSE 60 END END), g_u(l.lid, 'lf.ftx')) AS ft0,
  g_u(l.lid, 'lf.eng') < CASE WHEN l.lkind = 'referral' THEN 0.97 WHEN l.source = 'outbound' THEN 0.72
    ELSE CASE l.warmth WHEN 'hot' THEN 0.96 WHEN 'warm' THEN 0.91 ELSE 0.80 END * CASE WHEN l.lkind = 'orphan' THEN 0.93 ELSE 1 END END AS will_engage
FROM ${leads} l;

CREATE TABLE lfa_${x} AS
WITH b AS (
  SELECT lid, warmth, ft0, will_engage,
    CASE WHEN will_engage THEN g_int(lid, 'lf.ke', 1, 4) ELSE g_int(lid, 'lf.na', 2, 6) END AS n_att
  FROM lf0_${x} WHERE NOT never_touch AND ft0 <= ${LAST_TS}),
a AS (SELECT b.*, unnest(range(n_att)) AS i FROM b)
SELECT lid, i, n_att, will_engage,
  CASE WHEN i = 0 THEN ft0
    ELSE at_biz(wd_fwd(ft0::DATE + floor(i * 3.5 + g_u2(lid, i, 'lf.gap'))::INTEGER), g_u2(lid, i, 'lf.t')) END AS ts,
  g_u2(lid, i, 'lf.type') < CASE warmth WHEN 'hot' THEN 0.7 ELSE 0.5 END AS is_call
FROM a;

CREATE TABLE lf_${x} AS
WITH la AS (
  SELECT lid, max(ts) FILTER (WHERE ts <= ${LAST_TS}) AS t_last_att,
    max(ts) FILTER (WHERE i = n_att - 1) AS t_eng_att, bool_or(is_call) FILTER (WHERE i = n_att - 1) AS eng_is_call
  FROM lfa_${x} GROUP BY lid),
e AS (
  SELECT f.*, la.t_last_att, la.eng_is_call,
    CASE WHEN f.will_engage AND la.t_eng_att <= ${LAST_TS} THEN
      CASE WHEN la.eng_is_call THEN la.t_eng_att
        ELSE next_biz(plus_hours(la.t_eng_att, 1 + 29 * g_u(f.lid, 'lf.reply')), g_u(f.lid, 'lf.replyx')) END END AS t_eng0,
    CASE WHEN NOT f.never_touch AND f.ft0 <= ${LAST_TS} THEN f.ft0 END AS first_touch
  FROM lf0_${x} f LEFT JOIN la USING (lid)),
q AS (
  SELECT e.* EXCLUDE (t_eng0), CASE WHEN t_eng0 <= ${LAST_TS} THEN t_eng0 END AS t_eng FROM e),
r AS (
  SELECT q.*,
    t_eng IS NOT NULL AND lkind <> 'orphan' AND g_u(lid, 'lf.q') < CASE WHEN lkind = 'referral' THEN CASE WHEN ref_valid THEN 0.85 ELSE 0 END
      ELSE CASE warmth WHEN 'hot' THEN 0.80 WHEN 'warm' THEN 0.66 ELSE 0.46 END END AS will_qual,
    t_eng IS NOT NULL AND lkind <> 'orphan' AND g_u(lid, 'lf.disc2') < 0.3 AS extra_disc,
    CASE WHEN t_eng IS NOT NULL THEN at_biz(wd_fwd(t_eng::DATE + g_int(lid, 'lf.disc', 2, 9)::INTEGER), g_u(lid, 'lf.disct')) END AS t_disc0
  FROM q),
s AS (
  SELECT r.*,
    CASE WHEN (will_qual OR extra_disc) AND t_disc0 <= ${LAST_TS} THEN t_disc0 END AS t_disc,
    will_qual AND t_disc0 < ${PLANNED_FROM} AS qualified
  FROM r)
SELECT s.*, CASE WHEN s.t_disc IS NOT NULL THEN ${ownerAt('t', 's.t_disc::DATE')} END AS disc_sid,
  CASE WHEN s.first_touch IS NULL THEN 'new' WHEN s.qualified THEN 'qualified'
       WHEN greatest(s.t_last_att, s.t_eng, s.t_disc) < TIMESTAMP '2026-08-31 00:00:00' THEN 'disqualified'
       ELSE 'working' END AS status
FROM s LEFT JOIN terr t ON t.terr = s.terr;

CREATE TABLE la_${x} AS
SELECT 1 AS part, a.lid AS k1, a.i AS k2, f.owner_sid AS sid,
  CASE WHEN a.is_call THEN 'call' ELSE 'email' END AS type,
  CASE WHEN f.acc_kind = 'base_customer' THEN 'customer' ELSE 'prospect' END AS counterpart,
  'prospecting' AS purpose, 'outbound' AS direction, f.aid, f.lid, NULL::BIGINT AS oid, a.ts, 'held' AS status,
  CASE WHEN NOT a.is_call THEN g_int2(a.lid, a.i, 'la.d', 3, 8)
       WHEN a.i = a.n_att - 1 AND f.t_eng IS NOT NULL THEN g_int2(a.lid, a.i, 'la.d', 8, 25)
       WHEN g_u2(a.lid, a.i, 'la.vm') < 0.6 THEN g_int2(a.lid, a.i, 'la.d', 1, 2) ELSE 1 END AS duration,
  CASE WHEN NOT a.is_call THEN NULL
       WHEN a.i = a.n_att - 1 AND f.t_eng IS NOT NULL THEN CASE WHEN f.t_disc IS NOT NULL THEN 'next_meeting_booked' ELSE 'no_progress' END
       WHEN g_u2(a.lid, a.i, 'la.vm') < 0.6 THEN 'voicemail' ELSE 'no_answer' END AS outcome,
  true AS is_key, ${LAST_TS} AS win_end, f.created_ts AS win_start
FROM lfa_${x} a JOIN lf_${x} f USING (lid) WHERE a.ts <= ${LAST_TS}
UNION ALL
SELECT 2, lid, 0, owner_sid, 'email', CASE WHEN acc_kind = 'base_customer' THEN 'customer' ELSE 'prospect' END,
  'prospecting', 'inbound', aid, lid, NULL, t_eng, 'held', g_int(lid, 'la.rd', 2, 6),
  CASE WHEN t_disc IS NOT NULL THEN 'next_meeting_booked' ELSE 'no_progress' END, true, ${LAST_TS}, created_ts
FROM lf_${x} WHERE t_eng IS NOT NULL AND NOT eng_is_call
UNION ALL
SELECT 3, lid, 0, disc_sid, meeting_type(lid, 3, segment), CASE WHEN acc_kind = 'base_customer' THEN 'customer' ELSE 'prospect' END,
  'discovery', 'outbound', aid, lid, NULL, t_disc, CASE WHEN t_disc >= ${PLANNED_FROM} THEN 'planned' ELSE 'held' END,
  meeting_minutes(lid, 3, meeting_type(lid, 3, segment), segment),
  CASE WHEN t_disc >= ${PLANNED_FROM} THEN NULL WHEN qualified THEN 'stage_advanced' ELSE 'no_progress' END,
  qualified, ${LAST_TS}, t_eng
FROM lf_${x} WHERE t_disc IS NOT NULL;

CREATE TABLE os_${x} AS
SELECT lid AS oid, aid, lid, disc_sid AS owner_sid, segment, terr,
  CASE WHEN lkind = 'referral' THEN 'referral' WHEN source = 'outbound' THEN 'sales' ELSE 'marketing' END AS origin,
  CASE WHEN acc_kind = 'base_customer' THEN 'expansion' ELSE 'new' END AS kind, NULL::VARCHAR AS exp_type,
  CASE WHEN g_u(lid, 'os.pl') < 0.5 THEN 'Logiciel' WHEN g_u(lid, 'os.pl') < 0.7 THEN 'Services'
       WHEN g_u(lid, 'os.pl') < 0.88 THEN 'Matériel' ELSE 'Formation' END AS product_line,
  plus_hours(t_disc, 2) AS created_ts
FROM lf_${x} WHERE qualified;
`;

/** Plays opportunity stubs forward: stages, close dates (with seasonality), amounts. */
const simulateOppsSql = (stubs: string, out: string) => `
CREATE TABLE ${out} AS
WITH o0 AS (
  SELECT st.*, s.win_mult, s.amt_mult,
    (CASE WHEN st.kind = 'second' THEN g_int(st.oid, 'op.cyc', 15, 40)
      ELSE round(CASE st.segment WHEN 'Or' THEN 80 + 70 * g_u(st.oid, 'op.cyc') WHEN 'Argent' THEN 40 + 50 * g_u(st.oid, 'op.cyc')
        ELSE 30 + 30 * g_u(st.oid, 'op.cyc') END * CASE WHEN st.kind = 'expansion' THEN 0.7 ELSE 1 END) END)::INTEGER AS cyc,
    CASE st.kind WHEN 'new' THEN 0.68 WHEN 'expansion' THEN 0.85 ELSE 0.92 END AS p_prop,
    CASE st.kind WHEN 'new' THEN 0.60 WHEN 'expansion' THEN 0.70 ELSE 0.85 END AS p_neg,
    least(0.95, CASE st.kind WHEN 'new' THEN 0.31 WHEN 'expansion' THEN 0.41 ELSE 0.70 END * s.win_mult) AS p_win,
    -- one low-discrepancy draw per deal (golden-ratio sequence over the seller's deals of a segment and kind),
    -- so that each seller's outcome counts follow the probabilities closely even on small numbers
    (row_number() OVER (PARTITION BY st.owner_sid, st.segment, st.kind ORDER BY st.created_ts, st.oid)
      * 0.6180339887498949 + g_u3(st.owner_sid, st.segment, st.kind, 'op.path')) % 1 AS v
  FROM ${stubs} st JOIN sellers_i s ON s.sid = st.owner_sid),
-- path: reaches proposal (r_prop), then negotiation (r_neg), then is won (r_win); lost at the last stage reached
o0b AS (SELECT o0.*, v < p_prop AS r_prop, v < p_prop * p_neg AS r_neg, v < p_prop * p_neg * p_win AS r_win FROM o0),
o1 AS (SELECT o0b.*, wd_fwd(created_ts::DATE + greatest(3, round(0.3 * cyc))::INTEGER) AS d_prop FROM o0b),
o2 AS (SELECT o1.*, wd_fwd(d_prop + greatest(3, round(0.3 * cyc))::INTEGER) AS d_neg FROM o1),
o3 AS (
  SELECT o2.*, wd_fwd(d_neg + greatest(3, round(0.4 * cyc))::INTEGER) AS d_won0,
    CASE WHEN NOT r_prop THEN wd_fwd(d_prop + g_int(oid, 'op.lostd', 3, 18)::INTEGER)
         WHEN NOT r_neg THEN wd_fwd(d_neg + g_int(oid, 'op.lostd', 3, 18)::INTEGER)
         ELSE wd_fwd(d_neg + greatest(3, round(0.4 * cyc))::INTEGER) END AS d_lost,
    g_u(oid, 'op.season') AS us,
    wd_back(date_trunc('month', wd_fwd(d_neg + greatest(3, round(0.4 * cyc))::INTEGER))::DATE - 1 - g_int(oid, 'op.sd', 0, 8)::INTEGER) AS d_pull
  FROM o2),
o4 AS (
  SELECT o3.*, CASE
    WHEN month(d_won0) = 8 AND us < 0.65 THEN wd_fwd(make_date(year(d_won0), 9, 1) + g_int(oid, 'op.sd', 0, 18)::INTEGER)
    WHEN month(d_won0) = 12 AND day(d_won0) >= 15 AND us < 0.7 THEN wd_fwd(make_date(year(d_won0) + 1, 1, 5) + g_int(oid, 'op.sd', 0, 16)::INTEGER)
    WHEN month(d_won0) IN (4, 7, 10) AND day(d_won0) <= 25 AND us < 0.5 AND d_pull > d_neg AND d_pull >= created_ts::DATE + 30 THEN d_pull
    ELSE d_won0 END AS d_won
  FROM o3),
o5 AS (
  SELECT o4.*, r_win AS won_path,
    at_biz(CASE WHEN r_win THEN d_won ELSE d_lost END, g_u(oid, 'op.tc')) AS ts_close0,
    at_biz(d_prop, g_u(oid, 'op.tp')) AS ts_prop0, at_biz(d_neg, g_u(oid, 'op.tn')) AS ts_neg0
  FROM o4),
o6 AS (
  SELECT o5.*, ts_close0 <= ${LAST_TS} AS closed,
    r_prop AND ts_prop0 <= ${LAST_TS} AS has_prop,
    r_neg AND ts_neg0 <= ${LAST_TS} AS has_neg
  FROM o5)
SELECT oid, aid, lid, owner_sid, segment, terr, origin, kind, exp_type, product_line, created_ts, cyc, won_path, closed,
  CASE WHEN has_prop THEN ts_prop0 END AS ts_prop, CASE WHEN has_neg THEN ts_neg0 END AS ts_neg,
  CASE WHEN closed THEN ts_close0 END AS ts_close,
  CASE WHEN closed THEN CASE WHEN won_path THEN 'won' ELSE 'lost' END
       WHEN has_neg THEN 'negotiation' WHEN has_prop THEN 'proposal' ELSE 'qualified' END AS stage,
  CASE WHEN NOT won_path AND NOT r_prop THEN 0.35 WHEN NOT won_path AND NOT r_neg THEN 0.65 WHEN NOT won_path THEN 0.9 ELSE 1.0 END AS path_frac,
  greatest(50, round(CASE product_line
      WHEN 'Logiciel' THEN CASE segment WHEN 'Or' THEN 55000 WHEN 'Argent' THEN 14000 ELSE 5500 END
      WHEN 'Services' THEN CASE segment WHEN 'Or' THEN 85000 WHEN 'Argent' THEN 22000 ELSE 8500 END
      WHEN 'Matériel' THEN CASE segment WHEN 'Or' THEN 110000 WHEN 'Argent' THEN 30000 ELSE 12500 END
      ELSE CASE segment WHEN 'Or' THEN 20000 WHEN 'Argent' THEN 7000 ELSE 3500 END END
    * exp(0.45 * g_norm(oid, 'op.amt')) * amt_mult
    * CASE WHEN kind = 'new' THEN 1.0 WHEN kind = 'second' THEN 0.35 WHEN exp_type = 'upsell' THEN 0.35 ELSE 0.55 END / 10) * 10) AS amount_exp,
  list_element(CASE segment WHEN 'Or' THEN [5, 10, 15, 20, 20] WHEN 'Argent' THEN [0, 5, 10, 10, 15] ELSE [0, 0, 5, 5, 10] END,
    g_int(oid, 'op.disc', 1, 5)::INTEGER) AS disc_pct,
  CASE WHEN closed AND NOT won_path THEN list_element(${list(R.LOSS_REASONS)}, g_int(oid, 'op.loss', 1, ${R.LOSS_REASONS.length})::INTEGER) END AS loss_reason,
  -- The seller's expected close while the deal is open: near the day a deal to be won closes, the
  -- planned cycle's end for the others, give or take (and left in the past when the deal overruns it,
  -- as in a real CRM). Kept on closed deals too: a closed deal's is ignored, and one rewound to an
  -- export day before its close has it emptied (pipelines/load/point-in-time.ts).
  wd_fwd(CASE WHEN won_path THEN d_won ELSE created_ts::DATE + cyc END + g_int(oid, 'op.ecd', -10, 20)::INTEGER) AS expected_close,
  -- The seller's forecast category from the stage reached by the data's end, one deal in seven moved
  -- one notch (a seller's judgement), one in twenty left out of the forecast.
  CASE WHEN g_u(oid, 'op.fc') < 0.05 THEN 'omitted'
       ELSE list_element(['pipeline', 'best_case', 'commit'],
         least(3, greatest(1, CASE WHEN has_neg THEN 3 WHEN has_prop THEN 2 ELSE 1 END
           + CASE WHEN g_u(oid, 'op.fc') > 0.93 THEN 1 WHEN g_u(oid, 'op.fc') > 0.86 THEN -1 ELSE 0 END))::INTEGER) END AS forecast_category
FROM o6;
`;

const firstWinSql = (opps: string, out: string) => `
CREATE TABLE ${out} AS
SELECT aid, close_day AS first_win, product_line AS first_line, owner_sid AS first_sid FROM (
  SELECT aid, ts_close::DATE AS close_day, product_line, owner_sid, oid,
    row_number() OVER (PARTITION BY aid ORDER BY ts_close, oid) AS rn
  FROM ${opps} WHERE stage = 'won') WHERE rn = 1;
`;

/** Meetings, calls and e-mails on every opportunity, between its creation and its close. */
const dealActivitiesSql = () => `
CREATE MACRO opp_purpose(ts, ts_prop, ts_neg, is_meeting) AS (CASE
  WHEN ts_neg IS NOT NULL AND ts >= ts_neg THEN 'negotiation'
  WHEN is_meeting AND (ts_prop IS NULL OR ts < ts_prop) THEN 'discovery' ELSE 'follow_up' END);

CREATE TABLE opp_w AS
SELECT o.oid, o.aid, o.owner_sid AS sid, o.segment, o.kind, o.created_ts AS t0,
  coalesce(o.ts_close, ${LAST_TS}) AS t_end, o.ts_prop, o.ts_neg, o.ts_close, o.stage,
  CASE WHEN o.kind = 'new' THEN 'prospect' ELSE 'customer' END AS counterpart,
  CASE WHEN o.closed THEN o.path_frac ELSE least(1.0, greatest(0.1, date_diff('day', o.created_ts, ${LAST_TS}) / o.cyc)) END AS frac,
  s.meet_factor, s.team_idx + 1 AS mgr_sid
FROM opp_all o JOIN sellers_i s ON s.sid = o.owner_sid;

CREATE TABLE act_opp AS
WITH n AS (
  SELECT opp_w.*,
    floor(CASE segment WHEN 'Or' THEN 5 WHEN 'Argent' THEN 3.2 ELSE 1.6 END * frac * meet_factor
      * CASE kind WHEN 'new' THEN 1 WHEN 'second' THEN 0.4 ELSE 0.7 END + g_u(oid, 'ao.nm'))::BIGINT AS n_meet,
    floor((1.5 + 4 * frac) * CASE segment WHEN 'Or' THEN 1.5 WHEN 'Argent' THEN 1 ELSE 0.6 END + g_u(oid, 'ao.nc'))::BIGINT AS n_call,
    floor((3 + 7 * frac) * CASE segment WHEN 'Or' THEN 1.2 WHEN 'Argent' THEN 1 ELSE 0.6 END + g_u(oid, 'ao.ne'))::BIGINT AS n_eo
  FROM opp_w),
key_m AS (
  SELECT n.*, 1 AS k, ts_prop AS ts_stage FROM n WHERE ts_prop IS NOT NULL
  UNION ALL SELECT n.*, 2, ts_neg FROM n WHERE ts_neg IS NOT NULL
  UNION ALL SELECT n.*, 3, ts_close FROM n WHERE stage = 'won'),
key_t AS (
  SELECT key_m.*, greatest(t0 + INTERVAL 30 MINUTE, CASE WHEN ts_stage::TIME >= TIME '11:30:00'
      THEN plus_hours(ts_stage, -(1 + 2 * g_u2(oid, k, 'ao.kh')))
      ELSE at_biz(wd_back(ts_stage::DATE - 1), g_u2(oid, k, 'ao.kt')) END) AS ts
  FROM key_m),
fm AS (SELECT n.*, unnest(range(n_meet)) AS i FROM n),
fm_t AS (SELECT fm.*, in_window(t0, t_end, g_u2(oid, i, 'ao.mx'), g_u2(oid, i, 'ao.my')) AS ts FROM fm),
fc AS (SELECT n.*, unnest(range(n_call)) AS i FROM n),
fc_t AS (SELECT fc.*, in_window(t0, t_end, g_u2(oid, i, 'ao.cx'), g_u2(oid, i, 'ao.cy')) AS ts, g_u2(oid, i, 'ao.co') AS uo FROM fc),
fe AS (SELECT n.*, unnest(range(n_eo)) AS i FROM n),
fe_t AS (SELECT fe.*, in_window(t0, t_end, g_u2(oid, i, 'ao.ex'), g_u2(oid, i, 'ao.ey')) AS ts FROM fe),
fi AS (SELECT n.*, unnest(range(floor(n_eo * 0.5 + g_u(oid, 'ao.ni'))::BIGINT)) AS i FROM n),
fi_t AS (SELECT fi.*, in_window(t0, t_end, g_u2(oid, i, 'ao.ix'), g_u2(oid, i, 'ao.iy')) AS ts FROM fi)
SELECT 13 AS part, oid AS k1, k AS k2, mgr_sid AS sid, meeting_type(oid, 400 + k, segment) AS type, counterpart,
  opp_purpose(ts, ts_prop, ts_neg, true) AS purpose, 'outbound' AS direction, aid, NULL::BIGINT AS lid, oid, ts, 'held' AS status,
  meeting_minutes(oid, 400 + k, meeting_type(oid, 400 + k, segment), segment) AS duration, 'stage_advanced' AS outcome, true AS is_key,
  t_end AS win_end, t0 AS win_start
FROM key_t WHERE k >= 2 AND (segment = 'Or' OR (segment = 'Argent' AND k = 3)) AND g_u2(oid, k, 'ao.mgr') < 0.4
UNION ALL
SELECT 4 AS part, oid AS k1, k AS k2, sid, meeting_type(oid, 400 + k, segment) AS type, counterpart,
  opp_purpose(ts, ts_prop, ts_neg, true) AS purpose, 'outbound' AS direction, aid, NULL::BIGINT AS lid, oid, ts, 'held' AS status,
  meeting_minutes(oid, 400 + k, meeting_type(oid, 400 + k, segment), segment) AS duration, 'stage_advanced' AS outcome, true AS is_key, t_end AS win_end, t0 AS win_start
FROM key_t
UNION ALL
SELECT 5, oid, 0, sid, meeting_type(oid, 500, segment), counterpart, 'discovery', 'outbound', aid, NULL, oid,
  in_window(t0, ts_prop, 0.3 + 0.4 * g_u(oid, 'ao.px'), g_u(oid, 'ao.py')), 'held',
  meeting_minutes(oid, 500, meeting_type(oid, 500, segment), segment), 'proposal_requested', true, t_end, t0
FROM n WHERE ts_prop IS NOT NULL
UNION ALL
SELECT 6, oid, i, sid, meeting_type(oid, 600 + i, segment), counterpart, opp_purpose(ts, ts_prop, ts_neg, true), 'outbound', aid, NULL, oid, ts,
  'held', meeting_minutes(oid, 600 + i, meeting_type(oid, 600 + i, segment), segment),
  CASE WHEN (ts_prop IS NULL OR ts < ts_prop) AND g_u2(oid, i, 'ao.mo') < 0.12 THEN 'proposal_requested'
       WHEN g_u2(oid, i, 'ao.mo') < 0.5 THEN 'next_meeting_booked' ELSE 'no_progress' END, false, t_end, t0
FROM fm_t
UNION ALL
SELECT 7, oid, i, sid, 'call', counterpart, opp_purpose(ts, ts_prop, ts_neg, false), 'outbound', aid, NULL, oid, ts, 'held',
  CASE WHEN uo < 0.60 THEN g_int2(oid, i, 'ao.cd', 5, 20) WHEN uo < 0.85 THEN g_int2(oid, i, 'ao.cd', 1, 2) ELSE 1 END,
  CASE WHEN uo < 0.22 THEN 'next_meeting_booked' WHEN uo < 0.60 THEN 'no_progress' WHEN uo < 0.85 THEN 'voicemail' ELSE 'no_answer' END,
  true, t_end, t0
FROM fc_t
UNION ALL
SELECT 8, oid, i, sid, 'email', counterpart, opp_purpose(ts, ts_prop, ts_neg, false), 'outbound', aid, NULL, oid, ts, 'held',
  g_int2(oid, i, 'ao.ed', 3, 8), NULL, true, t_end, t0
FROM fe_t
UNION ALL
SELECT 9, oid, i, sid, 'email', counterpart, opp_purpose(ts, ts_prop, ts_neg, false), 'inbound', aid, NULL, oid, ts, 'held',
  g_int2(oid, i, 'ao.id', 2, 5),
  CASE WHEN (ts_prop IS NULL OR ts < ts_prop) AND g_u2(oid, i, 'ao.io') < 0.1 THEN 'proposal_requested' END, true, t_end, t0
FROM fi_t;
`;

/** Support calls and account reviews with customers, month by month while they are customers. */
const customerActivitiesSql = () => `
CREATE TABLE act_cust AS
WITH hs AS (SELECT DISTINCT aid FROM subs),
w AS (
  SELECT c.aid, c.segment, c.terr, c.team_idx,
    CASE WHEN c.kind = 'base_customer' THEN ${START} ELSE c.since + 1 END AS w_lo,
    least(CASE WHEN hs.aid IS NOT NULL THEN coalesce(c.churn_date, ${LASTDAY}) ELSE c.since + 365 END, ${LASTDAY}) AS w_hi
  FROM cust c LEFT JOIN hs USING (aid)),
m AS (
  SELECT w.*, unnest(generate_series(date_trunc('month', w_lo), date_trunc('month', w_hi), INTERVAL 1 MONTH))::DATE AS m
  FROM w WHERE w_hi >= w_lo),
mm AS (
  SELECT m.*, (year(m) * 100 + month(m))::BIGINT AS ym,
    floor(CASE segment WHEN 'Or' THEN 2.2 WHEN 'Argent' THEN 1.0 ELSE 0.5 END + g_u2(aid, m, 'ac.ns'))::BIGINT AS n_sup,
    g_u2(aid, m, 'ac.mg') < CASE segment WHEN 'Or' THEN 0.45 WHEN 'Argent' THEN 0.22 ELSE 0.10 END AS has_mgmt
  FROM m),
sup AS (SELECT mm.*, unnest(range(n_sup)) AS i FROM mm),
sup_d AS (SELECT sup.*, wd_back(m + g_int3(aid, ym, i, 'ac.sd', 0, 27)::INTEGER) AS d FROM sup),
mg_d AS (
  SELECT mm.*, wd_back(m + g_int2(aid, ym, 'ac.md', 0, 27)::INTEGER) AS d,
    CASE WHEN segment = 'Or' THEN CASE WHEN g_u2(aid, ym, 'ac.mt') < 0.5 THEN 'meeting' ELSE 'video' END
         WHEN segment = 'Argent' THEN CASE WHEN g_u2(aid, ym, 'ac.mt') < 0.6 THEN 'video' ELSE 'call' END
         ELSE 'call' END AS type
  FROM mm WHERE has_mgmt)
SELECT 10 AS part, aid AS k1, ym * 10 + i AS k2, ${ownerAt('t', 'd')} AS sid, 'call' AS type, 'customer' AS counterpart,
  'support' AS purpose, 'inbound' AS direction, aid, NULL::BIGINT AS lid, NULL::BIGINT AS oid,
  at_biz(d, g_u3(aid, ym, i, 'ac.st')) AS ts, 'held' AS status, g_int3(aid, ym, i, 'ac.sdur', 8, 35) AS duration,
  NULL::VARCHAR AS outcome, true AS is_key, at_biz(w_hi, 0.99) AS win_end, w_lo::TIMESTAMP AS win_start
FROM sup_d JOIN terr t USING (terr) WHERE d BETWEEN w_lo AND w_hi
UNION ALL
SELECT 11, aid, ym, CASE WHEN segment = 'Or' AND g_u2(aid, ym, 'ac.mgr') < 0.15 THEN mg_d.team_idx + 1 ELSE ${ownerAt('t', 'd')} END,
  type, 'customer', 'account_management', 'outbound', aid, NULL, NULL, at_biz(d, g_u2(aid, ym, 'ac.mtt')), 'held',
  CASE WHEN type = 'call' THEN g_int2(aid, ym, 'ac.mdur', 10, 25) ELSE meeting_minutes(aid, ym, type, segment) END,
  CASE WHEN g_u2(aid, ym, 'ac.mo') < 0.25 THEN 'next_meeting_booked' ELSE 'no_progress' END, false, at_biz(w_hi, 0.99), w_lo::TIMESTAMP
FROM mg_d JOIN terr t USING (terr) WHERE d BETWEEN w_lo AND w_hi;
`;

/**
 * No-shows, calibrated so that ~20 % of meetings with prospects or customers are no-shows and about half of
 * those are rebooked. A meeting that moved a deal forward may have been booked once before and missed: a
 * no-show row a few days earlier whose rebooked_activity_id is that meeting. Other meetings are no-shows
 * themselves (a share rebooked as a new meeting a few days later), or cancelled. The last days' meetings are
 * still planned.
 */
const NO_SHOW_RATE = 0.2;
const REBOOK_OTHERS = 0.3;
const noShowSql = () => `
CREATE TABLE act_raw AS
SELECT * FROM la_1 UNION ALL SELECT * FROM la_r UNION ALL SELECT * FROM act_opp UNION ALL SELECT * FROM act_cust;

DROP TABLE la_1; DROP TABLE la_r; DROP TABLE act_opp; DROP TABLE act_cust; DROP TABLE lfa_1; DROP TABLE lfa_r;

CREATE TABLE act_ns AS
SELECT a.*,
  type IN ('meeting', 'video', 'demo') AND counterpart <> 'internal' AND status = 'held' AS is_meeting,
  type IN ('meeting', 'video', 'demo') AND counterpart <> 'internal' AND status = 'held' AND ts < TIMESTAMP '2026-09-24 00:00:00' AS elig,
  g_u3(k1, k2, part, 'ns') AS uns,
  at_biz(wd_fwd(ts::DATE + g_int3(k1, k2, part, 'ns.d', 2, 8)::INTEGER), g_u3(k1, k2, part, 'ns.t')) AS rb_ts,
  at_biz(wd_back(ts::DATE - g_int3(k1, k2, part, 'ns.d', 2, 8)::INTEGER), g_u3(k1, k2, part, 'ns.t')) AS ghost_ts
FROM act_raw a;

-- no-shows NS = r / (1 - r/2) * meetings; half rebooked: NS/2 = ghosts + q * (other no-shows)
CREATE TABLE ns_p AS
WITH n AS (
  SELECT count(*) FILTER (WHERE is_meeting) AS n_all,
    count(*) FILTER (WHERE elig AND is_key AND ghost_ts > win_start) AS n_key,
    count(*) FILTER (WHERE elig AND NOT is_key) AS n_other
  FROM act_ns),
t AS (SELECT n.*, ${NO_SHOW_RATE} * n_all / (1 - ${NO_SHOW_RATE} / 2) AS ns FROM n),
o AS (SELECT t.*, least(0.6, 0.5 * ns / ((1 - ${REBOOK_OTHERS}) * greatest(n_other, 1))) AS p_other FROM t)
SELECT o.*, least(0.6, greatest(0, (0.5 * ns - ${REBOOK_OTHERS} * p_other * n_other) / greatest(n_key, 1))) AS p_key FROM o;

CREATE TABLE act_all AS
WITH y AS (
  SELECT x.*,
    elig AND NOT is_key AND uns < p.p_other AS ns,
    elig AND NOT is_key AND uns >= p.p_other AND uns < p.p_other + 0.02 AS cx,
    elig AND NOT is_key AND uns < p.p_other AND g_u3(k1, k2, part, 'ns.rb') < ${REBOOK_OTHERS}
      AND rb_ts <= least(win_end, ${LAST_TS}) AS rebooked,
    elig AND is_key AND uns < p.p_key AND ghost_ts > win_start AS ghost,
    is_meeting AND NOT is_key AND ts >= ${PLANNED_FROM} AS still_planned
  FROM act_ns x, ns_p p)
SELECT part, k1, k2, sid, type, counterpart, purpose, direction, aid, lid, oid, ts,
  CASE WHEN ns THEN 'no_show' WHEN cx THEN 'cancelled' WHEN still_planned THEN 'planned' ELSE status END AS status,
  CASE WHEN ns THEN 15 WHEN cx THEN 0 ELSE duration END AS duration,
  CASE WHEN ns OR cx OR still_planned THEN NULL ELSE outcome END AS outcome,
  CASE WHEN rebooked THEN part + 100 END AS rb_part
FROM y
UNION ALL
SELECT part + 100, k1, k2, sid, type, counterpart, purpose, direction, aid, lid, oid, rb_ts,
  CASE WHEN rb_ts >= ${PLANNED_FROM} THEN 'planned' ELSE 'held' END, duration,
  CASE WHEN rb_ts >= ${PLANNED_FROM} THEN NULL ELSE outcome END, NULL
FROM y WHERE rebooked
UNION ALL
SELECT part + 200, k1, k2, sid, type, counterpart, purpose, direction, aid, lid, oid, ghost_ts, 'no_show', 15, NULL, part
FROM y WHERE ghost;
DROP TABLE act_raw; DROP TABLE act_ns;
`;

/** Administrative tasks, sized per seller and month from the seller's selling time and admin share. */
const adminSql = () => `
CREATE TABLE seller_days AS
WITH d AS (
  SELECT s.sid, c.d, date_trunc('month', c.d)::DATE AS m
  FROM sellers_i s JOIN cal_base c ON c.d >= greatest(s.start_date, ${START}) AND c.d <= least(coalesce(s.leave_date, ${LASTDAY}), ${LASTDAY})
  WHERE dayofweek(c.d) NOT IN (0, 6) AND NOT c.holiday)
SELECT d.*, row_number() OVER (PARTITION BY sid, m ORDER BY d) AS wd_idx, count(*) OVER (PARTITION BY sid, m) AS n_wd FROM d;

CREATE TABLE act_admin AS
WITH sm AS (SELECT DISTINCT sid, m, n_wd FROM seller_days),
sell AS (SELECT sid, date_trunc('month', ts)::DATE AS m, sum(duration) AS sell_min FROM act_all GROUP BY ALL),
a AS (
  SELECT sm.sid, sm.m, sm.n_wd, s.role, coalesce(sell.sell_min, 0) AS sell_min,
    least(0.9, s.admin_share + 0.04 * (g_u2(sm.sid, sm.m, 'ad.sh') - 0.5)) AS sh
  FROM sm JOIN sellers_i s USING (sid) LEFT JOIN sell USING (sid, m)),
b AS (
  SELECT a.*, round(CASE WHEN role = 'manager' THEN greatest(sell_min * sh / (1 - sh), 200 * n_wd)
    WHEN sell_min = 0 THEN 90 * n_wd ELSE sell_min * sh / (1 - sh) END)::BIGINT AS admin_min
  FROM a),
c AS (SELECT b.*, greatest(1, round(admin_min / 70.0))::BIGINT AS n_tasks FROM b WHERE admin_min > 0),
t AS (SELECT c.*, unnest(range(n_tasks)) AS k FROM c)
SELECT 12 AS part, t.sid AS k1, (year(t.m) * 100 + month(t.m)) * 10000 + t.k AS k2, t.sid, 'admin' AS type, 'internal' AS counterpart,
  'admin' AS purpose, 'internal' AS direction, NULL::BIGINT AS aid, NULL::BIGINT AS lid, NULL::BIGINT AS oid,
  at_biz(sd.d, g_u2(t.sid, (year(t.m) * 100 + month(t.m)) * 10000 + t.k, 'ad.t')) AS ts, 'held' AS status,
  t.admin_min // t.n_tasks + CASE WHEN t.k < t.admin_min % t.n_tasks THEN 1 ELSE 0 END AS duration,
  NULL::VARCHAR AS outcome, NULL::INTEGER AS rb_part
FROM t JOIN seller_days sd ON sd.sid = t.sid AND sd.m = t.m AND sd.wd_idx = floor(t.k * t.n_wd / t.n_tasks) + 1;

CREATE TABLE act_final AS SELECT * FROM act_all UNION ALL SELECT * FROM act_admin;
DROP TABLE act_admin; DROP TABLE act_all;
`;

/** Account status and owner at extract time, firmographics, contacts. */
const accountsFinalSql = () => `
CREATE TABLE acc_final AS
WITH active AS (SELECT DISTINCT aid FROM subs WHERE end_date IS NULL),
recent AS (SELECT DISTINCT aid FROM opp_all WHERE stage = 'won' AND ts_close >= TIMESTAMP '2025-09-30 00:00:00'),
ever AS (SELECT aid FROM subs UNION SELECT aid FROM opp_all WHERE stage = 'won'),
a AS (
  SELECT a.*,
    CASE WHEN active.aid IS NOT NULL OR recent.aid IS NOT NULL THEN 'customer' WHEN ever.aid IS NOT NULL THEN 'former_customer'
         ELSE 'prospect' END AS status,
    CASE WHEN a.kind = 'base_prospect' AND a.n_leads = 0 AND g_u(a.aid, 'acc.noowner') < 0.4 THEN NULL ELSE t.current_sid END AS owner_sid,
    CASE a.segment WHEN 'Or' THEN CASE WHEN g_u(a.aid, 'acc.size') < 0.6 THEN 'ETI' ELSE 'GE' END
      WHEN 'Argent' THEN CASE WHEN g_u(a.aid, 'acc.size') < 0.7 THEN 'PME' ELSE 'ETI' END
      ELSE CASE WHEN g_u(a.aid, 'acc.size') < 0.45 THEN 'TPE' ELSE 'PME' END END AS size_band
  FROM acc_all a JOIN terr t USING (terr)
  LEFT JOIN active USING (aid) LEFT JOIN recent USING (aid) LEFT JOIN ever USING (aid))
SELECT a.*,
  list_element(${list(R.INDUSTRIES)}, g_int(a.aid, 'acc.ind', 1, ${R.INDUSTRIES.length})::INTEGER) AS industry,
  CASE WHEN g_u(a.aid, 'acc.noemp') < 0.04 THEN NULL ELSE round(exp(CASE size_band
    WHEN 'TPE' THEN ln(1) + g_u(a.aid, 'acc.emp') * (ln(9.49) - ln(1))
    WHEN 'PME' THEN ln(10) + g_u(a.aid, 'acc.emp') * (ln(249.49) - ln(10))
    WHEN 'ETI' THEN ln(250) + g_u(a.aid, 'acc.emp') * (ln(4999.49) - ln(250))
    ELSE ln(5000) + g_u(a.aid, 'acc.emp') * (ln(60000) - ln(5000)) END))::BIGINT END AS employees,
  r.region,
  CASE WHEN size_band = 'GE' THEN 'Groupe ' || list_element(${list(R.LAST_NAMES)}, g_int(a.aid, 'acc.n1', 1, ${R.LAST_NAMES.length})::INTEGER)
      || ' ' || list_element(${list(R.COMPANY_WORDS)}, g_int(a.aid, 'acc.n2', 1, ${R.COMPANY_WORDS.length})::INTEGER)
    ELSE list_element(${list(R.LAST_NAMES)}, g_int(a.aid, 'acc.n1', 1, ${R.LAST_NAMES.length})::INTEGER)
      || ' ' || list_element(${list(R.COMPANY_WORDS)}, g_int(a.aid, 'acc.n2', 1, ${R.COMPANY_WORDS.length})::INTEGER)
      || ' ' || list_element(${list(R.LEGAL_FORMS)}, g_int(a.aid, 'acc.n3', 1, ${R.LEGAL_FORMS.length})::INTEGER) END AS account_name
FROM a JOIN regions r ON r.grp = a.team_idx % 3
  AND floor(g_u(a.aid, 'acc.reg') * 1000) >= r.lo AND floor(g_u(a.aid, 'acc.reg') * 1000) < r.hi;

CREATE TABLE contacts_i AS
WITH c AS (
  SELECT aid * 10 AS ctid, aid, created_at FROM acc_all
  UNION ALL SELECT lid, aid, lday FROM leads_all WHERE lkind = 'linked' AND lid % 10 <> 0
  UNION ALL SELECT aid * 10 + 9, aid, least(created_at + g_int(aid, 'ct.extra', 0, 400)::INTEGER, ${LASTDAY})
    FROM acc_all WHERE kind = 'base_customer' OR segment = 'Or')
SELECT c.*, row_number() OVER (ORDER BY created_at, ctid) AS ct_no,
  list_element(${list(R.FIRST_NAMES)}, g_int(ctid, 'ct.fn', 1, ${R.FIRST_NAMES.length})::INTEGER) AS first_name,
  list_element(${list(R.LAST_NAMES)}, g_int(ctid, 'ct.ln', 1, ${R.LAST_NAMES.length})::INTEGER) AS last_name,
  CASE WHEN g_u(ctid, 'ct.job0') < 0.1 THEN NULL
    ELSE list_element(${list(R.JOB_TITLES)}, g_int(ctid, 'ct.job', 1, ${R.JOB_TITLES.length})::INTEGER) END AS job_title,
  CASE WHEN g_u(ctid, 'ct.ph0') < 0.12 THEN NULL
    ELSE '+33 ' || CASE WHEN g_u(ctid, 'ct.mob') < 0.6 THEN CASE WHEN g_u(ctid, 'ct.mob') < 0.45 THEN '6' ELSE '7' END
      ELSE g_int(ctid, 'ct.area', 1, 5)::VARCHAR END
      || ' ' || printf('%02d %02d %02d %02d', g_int(ctid, 'ct.p1', 0, 99), g_int(ctid, 'ct.p2', 0, 99),
        g_int(ctid, 'ct.p3', 0, 99), g_int(ctid, 'ct.p4', 0, 99)) END AS phone,
  g_u(ctid, 'ct.em0') >= 0.05 AS has_email
FROM c;
`;

/**
 * Flat monthly objectives per AE and fiscal year: the revenue target sits between the seller's k-th and
 * (k+1)-th best months of the year so that ~quota_reach (≈ 67 %) of the months reach it.
 */
const objectivesSql = () => `
CREATE TABLE obj AS
WITH months AS (SELECT range::DATE AS m FROM range(${START}, ${END}, INTERVAL 1 MONTH)),
sm AS (
  SELECT s.sid, m.m, fy(m.m) AS fy, s.quota_reach FROM sellers_i s, months m
  WHERE s.role = 'account_executive' AND s.start_date <= m.m + 14 AND (s.leave_date IS NULL OR s.leave_date >= m.m + 14)),
rev AS (
  SELECT coalesce(o.owner_sid, CASE WHEN ao.owner_sid IS NOT NULL THEN ${ownerAt('t', 'l.invoice_date')} END) AS sid,
    date_trunc('month', l.invoice_date)::DATE AS m, sum(l.net_cents) AS rev
  FROM inv_lines_i l LEFT JOIN opp_all o ON o.oid = l.oid LEFT JOIN acc_final ao ON ao.aid = l.aid
  LEFT JOIN terr t ON t.terr = ao.terr GROUP BY ALL),
meet AS (
  SELECT sid, date_trunc('month', ts)::DATE AS m, count(*) AS meet FROM act_final
  WHERE type IN ('meeting', 'video', 'demo') AND status = 'held' AND counterpart <> 'internal' GROUP BY ALL),
nc AS (
  SELECT fw.first_sid AS sid, date_trunc('month', fw.first_win)::DATE AS m, count(*) AS nc
  FROM fw_all fw JOIN acc_all a USING (aid) WHERE a.kind <> 'base_customer' GROUP BY ALL),
j AS (
  SELECT sm.*, coalesce(rev.rev, 0) AS rev, coalesce(meet.meet, 0) AS meet, coalesce(nc.nc, 0) AS nc
  FROM sm LEFT JOIN rev USING (sid, m) LEFT JOIN meet USING (sid, m) LEFT JOIN nc USING (sid, m)),
r AS (
  SELECT j.*, count(*) OVER (PARTITION BY sid, fy) AS n,
    row_number() OVER (PARTITION BY sid, fy ORDER BY rev, m) AS r_rev,
    row_number() OVER (PARTITION BY sid, fy ORDER BY meet, m) AS r_meet
  FROM j),
k AS (SELECT r.*, least(n - 1, greatest(0, n - round(quota_reach * n)))::BIGINT AS kk FROM r),
t AS (
  SELECT sid, fy,
    CASE WHEN max(kk) = 0 THEN min(rev) * 0.9
      ELSE (max(rev) FILTER (WHERE r_rev = kk) + max(rev) FILTER (WHERE r_rev = kk + 1)) / 2 END AS t_rev,
    CASE WHEN max(kk) = 0 THEN min(meet) ELSE max(meet) FILTER (WHERE r_meet = kk + 1) END AS t_meet,
    sum(nc) / count(*) AS avg_nc
  FROM k GROUP BY sid, fy)
SELECT sm.sid, sm.m AS period_start, last_day(sm.m) AS period_end,
  greatest(500000, floor(t.t_rev / 10000) * 10000)::BIGINT AS revenue_target_cents,
  round(t.avg_nc)::BIGINT AS new_customers_target,
  greatest(1, t.t_meet)::BIGINT AS meetings_target
FROM sm JOIN t USING (sid, fy);
`;

/**
 * Marketing spend. Rows tagged with a segment (events, Club Or, LinkedIn ABM and PME ads, targeted
 * webinars) share a budget per segment and fiscal year calibrated against the first-year margin of
 * the customers acquired that year (see pattern 2); untagged rows have fixed amounts.
 */
const CAC_TARGET: Record<string, number> = { Or: 0.85, Argent: 0.3, Bronze: 0.4 };
const spendSql = (z: Sizes) => `
CREATE TABLE spend_sk AS
SELECT greatest(wd_back(p_start - 90), ${START}) AS spend_date, cid, target_segment AS segment, 40 * size AS w, NULL::BIGINT AS fixed_cents
FROM campaigns_i WHERE channel = 'event'
UNION ALL
SELECT p_start + unnest(range(ndays))::INTEGER, cid, target_segment, 60 * size // ndays, NULL FROM campaigns_i WHERE channel = 'event'
UNION ALL
SELECT c.d, k.cid, 'Or', 3, NULL FROM campaigns_i k JOIN cal_base c ON c.d BETWEEN k.p_start AND k.p_end
WHERE k.ckey = 'paid_social_or' AND dayofweek(c.d) NOT IN (0, 6)
UNION ALL
SELECT c.d, k.cid, sg.segment, 4, NULL FROM campaigns_i k JOIN cal_base c ON c.d BETWEEN k.p_start AND k.p_end
  CROSS JOIN (VALUES ('Argent'), ('Bronze')) sg(segment)
WHERE k.ckey = 'paid_social' AND dayofweek(c.d) NOT IN (0, 6)
UNION ALL
SELECT wd.d, k.cid, k.target_segment, CASE WHEN k.target_segment IS NOT NULL THEN 30 END,
  CASE WHEN k.target_segment IS NULL THEN round(80000 * ${z.scale} * (0.8 + 0.4 * g_u(k.cid, 'sp.web')))::BIGINT END
FROM campaigns_i k JOIN (SELECT d, date_trunc('month', d)::DATE AS m, row_number() OVER (PARTITION BY date_trunc('month', d) ORDER BY d) AS n
    FROM cal_base WHERE dayofweek(d) = 4) wd ON wd.m = k.p_start AND wd.n = 2
WHERE k.ckey = 'webinar'
UNION ALL
SELECT c.d, k.cid, NULL, NULL, round(18000 * ${z.scale} * c.growth * (0.75 + 0.5 * g_u2(k.cid, c.d, 'sp.ads')))::BIGINT
FROM campaigns_i k JOIN cal_base c ON c.d BETWEEN k.p_start AND k.p_end WHERE k.ckey = 'paid_search'
UNION ALL
SELECT wd_fwd(p_start), cid, NULL, NULL, round(40000 * sqrt(${z.scale}) * (0.9 + 0.2 * g_u(cid, 'sp.nl')))::BIGINT
FROM campaigns_i WHERE ckey = 'email'
UNION ALL
SELECT wd_fwd(m), k.cid, NULL, NULL, round(250000 * sqrt(${z.scale}) * (0.7 + 0.6 * g_u2(k.cid, m, 'sp.ct')))::BIGINT
FROM campaigns_i k, (SELECT range::DATE AS m FROM range(${START}, ${END}, INTERVAL 1 MONTH)) mo
WHERE k.ckey = 'content' AND mo.m BETWEEN k.p_start AND k.p_end
UNION ALL
SELECT least(wd_back(last_day(m)), ${LASTDAY}), k.cid, NULL, NULL, round(150000 * ${z.scale} * (0.6 + 0.8 * g_u2(k.cid, m, 'sp.pa')))::BIGINT
FROM campaigns_i k, (SELECT range::DATE AS m FROM range(${START}, ${END}, INTERVAL 1 MONTH)) mo
WHERE k.ckey = 'partner' AND mo.m BETWEEN k.p_start AND k.p_end;

CREATE TABLE cac_budget AS
WITH acq AS (
  SELECT fw.aid, a.segment, fw.first_win FROM fw_all fw JOIN acc_all a USING (aid) WHERE a.kind <> 'base_customer'),
fym AS (
  SELECT fy(acq.first_win) AS fy, acq.segment, sum(l.net_cents - l.qty * l.cost_cents) AS fym_cents
  FROM acq JOIN inv_lines_i l ON l.aid = acq.aid AND l.invoice_date >= acq.first_win AND l.invoice_date < acq.first_win + 365
  GROUP BY ALL),
tc AS (
  SELECT fy(a.ts) AS fy, acc.segment, sum(a.duration * round(s.hourly_cost * 100)::BIGINT) / 60.0 AS time_cents
  FROM act_final a JOIN acc_all acc USING (aid) JOIN sellers_i s ON s.sid = a.sid
  WHERE a.counterpart = 'prospect' GROUP BY ALL),
tgt AS (SELECT * FROM (VALUES ${Object.entries(CAC_TARGET).map(([seg, r]) => `(${str(seg)}, ${r})`).join(', ')}) t(segment, ratio))
SELECT f.fy, f.segment, f.fym_cents, coalesce(tc.time_cents, 0) AS time_cents,
  round(greatest(tgt.ratio * f.fym_cents - coalesce(tc.time_cents, 0), 0.1 * tgt.ratio * f.fym_cents))::BIGINT AS budget_cents
FROM fym f JOIN tgt USING (segment) LEFT JOIN tc USING (fy, segment);

CREATE TABLE spend_i AS
WITH w AS (
  SELECT s.*, fy(s.spend_date) AS fy, sum(s.w) OVER (PARTITION BY s.segment, fy(s.spend_date)) AS w_tot
  FROM spend_sk s WHERE s.w IS NOT NULL)
SELECT w.spend_date, w.cid, w.segment, (coalesce(b.budget_cents, 0) * w.w // w.w_tot)::BIGINT AS amount_cents
FROM w LEFT JOIN cac_budget b ON b.fy = w.fy AND b.segment = w.segment
UNION ALL
SELECT spend_date, cid, segment, fixed_cents FROM spend_sk WHERE w IS NULL;
`;


/** Maps internal keys to the extract's identifiers (numbered in creation order) and builds campaign touches. */
const idMapsSql = () => `
CREATE TABLE m_acc AS SELECT aid, printf('ACC-%06d', row_number() OVER (ORDER BY created_at, aid)) AS account_id FROM acc_final;
CREATE TABLE m_lead AS SELECT lid, printf('LD-%07d', row_number() OVER (ORDER BY created_ts, lid)) AS lead_id FROM leads_all;
CREATE TABLE m_opp AS SELECT oid, printf('OPP-%07d', row_number() OVER (ORDER BY created_ts, oid)) AS opportunity_id FROM opp_all;
CREATE TABLE m_ct AS SELECT ctid, printf('CT-%07d', ct_no) AS contact_id FROM contacts_i;
CREATE TABLE act_out AS
SELECT a.*, printf('ACT-%09d', row_number() OVER (ORDER BY ts, sid, part, k1, k2)) AS activity_id FROM act_final a;
DROP TABLE act_final;
CREATE TABLE inv_hdr AS
SELECT aid, oid, invoice_date, doc_type, ikey,
  printf('%s-%d-%06d', CASE doc_type WHEN 'invoice' THEN 'FA' ELSE 'AV' END, year(invoice_date),
    row_number() OVER (PARTITION BY doc_type, year(invoice_date) ORDER BY invoice_date, aid, ikey)) AS invoice_id
FROM (SELECT DISTINCT aid, oid, invoice_date, doc_type, ikey FROM inv_lines_i);

CREATE TABLE cl_i AS
WITH p AS (SELECT l.lid, l.cid, l.created_ts, l.lday, c.channel FROM leads_all l JOIN campaigns_i c USING (cid)),
nl AS (
  SELECT p.lid, k.cid, at_biz(k.p_start + g_int(p.lid, 'cl.nd', 0, 20)::INTEGER, g_u(p.lid, 'cl.nt')) AS touched_at
  FROM p JOIN campaigns_i k ON k.ckey = 'email' AND k.p_start = (date_trunc('month', p.lday) - INTERVAL 1 MONTH)::DATE
  WHERE p.channel <> 'email' AND g_u(p.lid, 'cl.nl') < 0.35),
ct AS (
  SELECT p.lid, k.cid, plus_hours(p.created_ts, -24 * (10 + 10 * g_u(p.lid, 'cl.ct'))) AS touched_at
  FROM p JOIN campaigns_i k ON k.ckey = 'content' AND p.lday - 20 >= k.p_start AND p.lday - 10 <= k.p_end
  WHERE p.channel <> 'content' AND g_u(p.lid, 'cl.c') < 0.2),
n AS (
  SELECT p.lid, (nl.lid IS NOT NULL)::INTEGER + (ct.lid IS NOT NULL)::INTEGER AS n_extra
  FROM p LEFT JOIN nl USING (lid) LEFT JOIN ct USING (lid))
SELECT p.cid, p.lid, p.created_ts AS touched_at, CASE n.n_extra WHEN 0 THEN 1.0 WHEN 1 THEN 0.6 ELSE 0.5 END::DOUBLE AS weight
FROM p JOIN n USING (lid)
UNION ALL SELECT nl.cid, nl.lid, nl.touched_at, CASE n.n_extra WHEN 1 THEN 0.4 ELSE 0.3 END::DOUBLE FROM nl JOIN n USING (lid)
UNION ALL SELECT ct.cid, ct.lid, ct.touched_at, CASE n.n_extra WHEN 1 THEN 0.4 ELSE 0.2 END::DOUBLE FROM ct JOIN n USING (lid);
`;

const sellerId = (sid: string) => `CASE WHEN ${sid} IS NOT NULL THEN printf('S%03d', ${sid}) END`;
const campaignId = (cid: string) => `CASE WHEN ${cid} IS NOT NULL THEN printf('CMP-%04d', ${cid}) END`;
const euros = (cents: string) => `((${cents}) / 100.0)`;

/** One query per extract, producing its columns (cast and ordered by the writer). */
const extractQueries = (z: Sizes): Record<Exclude<ExtractName, 'fx_rates'>, string> => ({
  sellers: `SELECT seller_id, seller_name, team, ${sellerId('manager_sid')} AS manager_id, role, hourly_cost, start_date, leave_date
    FROM sellers_i`,
  objectives: `SELECT ${sellerId('sid')} AS seller_id, period_start, period_end, ${euros('revenue_target_cents')} AS revenue_target,
    new_customers_target, meetings_target FROM obj`,
  accounts: `SELECT m.account_id, a.account_name, a.segment, a.industry, a.employees, a.size_band, a.region, a.status,
    ${sellerId('a.owner_sid')} AS owner_seller_id, a.created_at FROM acc_final a JOIN m_acc m USING (aid)`,
  // The owner's history: the territory's AE from the account's creation, the joiner from the
  // handover on (ownerAt); accounts without an owner have no row.
  account_owners: `SELECT m.account_id, ${sellerId('o.sid')} AS seller_id, o.valid_from, o.valid_to FROM (
      SELECT a.aid, t.ae_sid AS sid, a.created_at AS valid_from, CASE WHEN t.joiner_sid IS NOT NULL THEN t.handover - 1 END AS valid_to
      FROM acc_final a JOIN terr t ON t.terr = a.terr
      WHERE a.owner_sid IS NOT NULL AND (t.joiner_sid IS NULL OR a.created_at < t.handover)
      UNION ALL
      SELECT a.aid, t.joiner_sid, greatest(a.created_at, t.handover), NULL
      FROM acc_final a JOIN terr t ON t.terr = a.terr
      WHERE a.owner_sid IS NOT NULL AND t.joiner_sid IS NOT NULL) o JOIN m_acc m USING (aid)`,
  contacts: `SELECT mc.contact_id, ma.account_id, c.first_name, c.last_name,
    CASE WHEN c.has_email THEN lower(regexp_replace(strip_accents(c.first_name), '[^A-Za-z]', '', 'g')) || '.'
      || lower(regexp_replace(strip_accents(c.last_name), '[^A-Za-z]', '', 'g')) || '.' || c.ct_no || '@example.fr' END AS email,
    c.phone, c.job_title, c.created_at
    FROM contacts_i c JOIN m_ct mc USING (ctid) JOIN m_acc ma USING (aid)`,
  campaigns: `SELECT ${campaignId('cid')} AS campaign_id, campaign_name, channel, target_segment, p_start AS start_date,
    CASE WHEN p_end < ${END} THEN p_end END AS end_date FROM campaigns_i`,
  leads: `SELECT ml.lead_id, ma.account_id, mc.contact_id, l.source, ${campaignId('l.cid')} AS campaign_id, l.warmth,
    ${sellerId('l.owner_sid')} AS owner_seller_id, l.created_ts AS created_at, f.first_touch AS first_touch_at, f.status
    FROM leads_all l JOIN lf_all f USING (lid) JOIN m_lead ml USING (lid) LEFT JOIN m_acc ma ON ma.aid = l.aid
    LEFT JOIN m_ct mc ON mc.ctid = CASE l.lkind WHEN 'linked' THEN l.lid WHEN 'referral' THEN l.aid * 10 END`,
  opportunities: `SELECT mo.opportunity_id, ma.account_id, ml.lead_id, ${sellerId('o.owner_sid')} AS owner_seller_id, o.product_line,
    ${euros('o.amount_cents')} AS amount, o.origin, o.created_ts::DATE AS created_at, o.ts_close::DATE AS closed_at, o.stage, o.loss_reason,
    af.account_name || ' — ' || o.product_line AS opportunity_name, o.expected_close AS expected_close_at, o.forecast_category
    FROM opp_all o JOIN m_opp mo USING (oid) JOIN m_acc ma USING (aid) JOIN acc_final af USING (aid) LEFT JOIN m_lead ml USING (lid)`,
  opportunity_stage_history: `SELECT mo.opportunity_id, h.stage, h.changed_at FROM (
      SELECT oid, 'qualified' AS stage, created_ts AS changed_at FROM opp_all
      UNION ALL SELECT oid, 'proposal', ts_prop FROM opp_all WHERE ts_prop IS NOT NULL
      UNION ALL SELECT oid, 'negotiation', ts_neg FROM opp_all WHERE ts_neg IS NOT NULL
      UNION ALL SELECT oid, stage, ts_close FROM opp_all WHERE ts_close IS NOT NULL) h JOIN m_opp mo USING (oid)`,
  activities: `SELECT a.activity_id, ${sellerId('a.sid')} AS seller_id, a.type, a.counterpart, a.purpose, a.direction,
    ma.account_id, ml.lead_id, mo.opportunity_id, a.ts AS scheduled_at, a.status, a.duration AS duration_minutes, a.outcome,
    r.activity_id AS rebooked_activity_id
    FROM act_out a LEFT JOIN m_acc ma ON ma.aid = a.aid LEFT JOIN m_lead ml ON ml.lid = a.lid LEFT JOIN m_opp mo ON mo.oid = a.oid
    LEFT JOIN act_out r ON r.part = a.rb_part AND r.k1 = a.k1 AND r.k2 = a.k2`,
  referrals: `SELECT printf('REF-%06d', row_number() OVER (ORDER BY r.referred_at, r.rid)) AS referral_id, mr.account_id AS referrer_account_id,
    ma.account_id AS referred_account_id, ml.lead_id AS referred_lead_id, r.referred_at, r.is_valid
    FROM ref0 r JOIN m_acc mr ON mr.aid = r.referrer_aid
    LEFT JOIN m_acc ma ON ma.aid = CASE WHEN r.has_lead THEN ${z.accounts} + r.rid END
    LEFT JOIN m_lead ml ON ml.lid = CASE WHEN r.has_lead THEN 200000000 + r.rid END`,
  marketing_spend: `SELECT spend_date, ${campaignId('cid')} AS campaign_id, segment, ${euros('amount_cents')} AS amount
    FROM spend_i WHERE amount_cents > 0`,
  campaign_leads: `SELECT ${campaignId('c.cid')} AS campaign_id, ml.lead_id, c.touched_at, c.weight AS attribution_weight
    FROM cl_i c JOIN m_lead ml USING (lid)`,
  invoices: `SELECT h.invoice_id, ma.account_id, mo.opportunity_id, h.invoice_date, h.doc_type AS document_type, 'EUR' AS currency
    FROM inv_hdr h JOIN m_acc ma USING (aid) LEFT JOIN m_opp mo USING (oid)`,
  invoice_lines: `SELECT h.invoice_id,
    row_number() OVER (PARTITION BY l.aid, l.invoice_date, l.doc_type, l.ikey ORDER BY l.ord, l.product_code) AS line_number,
    l.product_line, l.product_code, l.qty AS quantity, ${euros('l.price_cents')} AS unit_price, l.dpct / 100.0 AS discount_rate,
    ${euros('l.net_cents')} AS net_amount, ${euros('l.cost_cents')} AS unit_cost
    FROM inv_lines_i l JOIN inv_hdr h USING (aid, invoice_date, doc_type, ikey)`,
  subscriptions: `SELECT printf('SUB-%06d', s.sub_no) AS subscription_id, ma.account_id, s.line AS product_line, s.tier AS plan_tier,
    s.start_date, s.end_date, ${euros('a.monthly_cents')} AS monthly_amount
    FROM subs s JOIN sub_amount a USING (sub_no) JOIN m_acc ma USING (aid)`,
});

/** Every generation step, in order. */
const pipeline = (z: Sizes): { name: string; sql: string }[] => [
  { name: 'calendars', sql: calendars() },
  { name: 'sellers', sql: sellersSql(z) },
  { name: 'campaigns', sql: campaignsSql() },
  { name: 'accounts', sql: accountsSql(z) },
  {
    name: 'leads: first lead of each new account',
    sql: `
CREATE TABLE ls_a AS
SELECT aid * 10 AS lid, aid, segment, terr, team_idx, kind AS acc_kind, 'linked' AS lkind, NULL::BOOLEAN AS ref_valid,
  ${START} AS lo, ${LASTDAY} AS hi, CASE WHEN segment = 'Or' THEN 'Or' ELSE 'other' END AS grp
FROM acc1 WHERE kind = 'new';
${resolveLeadsSql('ls_a', 'leads_a', z)}`,
  },
  {
    name: 'leads: other leads',
    sql: `
-- later leads of a new account come within 18 months of its first one (fewer when that runs past the end)
CREATE TABLE ls_b AS
SELECT a.aid * 10 + j AS lid, a.aid, a.segment, a.terr, a.team_idx, a.kind AS acc_kind, 'linked' AS lkind, NULL::BOOLEAN AS ref_valid,
  coalesce(f.lday, ${START}) AS lo, CASE WHEN f.lday IS NULL THEN ${LASTDAY} ELSE least(f.lday + 540, ${LASTDAY}) END AS hi,
  CASE WHEN a.segment = 'Or' THEN 'Or' ELSE 'other' END AS grp
FROM (SELECT acc1.*, unnest(range(CASE WHEN kind = 'new' THEN 1 ELSE 0 END, n_leads)) AS j FROM acc1) a
LEFT JOIN leads_a f ON f.aid = a.aid
WHERE f.lday IS NULL OR g_u(a.aid * 10 + j, 'ld.keep') < (least(f.lday + 540, ${LASTDAY}) - f.lday + 1) / 541.0;
INSERT INTO ls_b
SELECT 100000000 + i, NULL, NULL, NULL, g_int(100000000 + i, 'ld.team', 0, ${z.teams - 1}), NULL, 'orphan', NULL,
  ${START}, ${LASTDAY}, 'other'
FROM range(1, ${z.leads + 1}) t(i) WHERE i <= ${z.leads} - (SELECT count(*) FROM ls_b) - (SELECT count(*) FROM leads_a);
${resolveLeadsSql('ls_b', 'leads_b', z)}
CREATE TABLE leads1 AS SELECT * FROM leads_a UNION ALL SELECT * FROM leads_b;`,
  },
  { name: 'lead flow', sql: leadFlowSql('leads1', '1') },
  { name: 'opportunities from leads', sql: simulateOppsSql('os_1', 'opp1') + firstWinSql('opp1', 'fw1') },
  {
    name: 'referrals',
    sql: `
CREATE TABLE ref0 AS
WITH giver AS (
  SELECT a.aid, a.segment, a.terr, a.team_idx, a.kind,
    CASE WHEN a.kind = 'base_customer' THEN ${START} ELSE fw.first_win END AS since, fw.first_win
  FROM acc1 a LEFT JOIN fw1 fw USING (aid) WHERE a.kind = 'base_customer' OR fw.aid IS NOT NULL),
r AS (
  SELECT aid AS referrer_aid, segment, terr, team_idx,
    CASE WHEN kind = 'base_customer' THEN wd_fwd(${START} + g_int(aid, 'rf.d', 0, 1080)::INTEGER)
         WHEN g_u(aid, 'rf.p') < 0.22 THEN wd_fwd(first_win + g_int(aid, 'rf.d', 20, 170)::INTEGER)
         ELSE wd_fwd(first_win + g_int(aid, 'rf.d', 200, 520)::INTEGER) END AS referred_at,
    CASE WHEN kind = 'base_customer' THEN g_u(aid, 'rf.v') < 0.7 WHEN g_u(aid, 'rf.p') < 0.22 THEN g_u(aid, 'rf.v') < 0.85
         ELSE g_u(aid, 'rf.v') < 0.55 END AS is_valid,
    churn_day(aid, since, segment) AS churn
  FROM giver
  WHERE (kind = 'base_customer' AND g_u(aid, 'rf.p') < 0.12) OR (kind <> 'base_customer' AND g_u(aid, 'rf.p') < 0.30))
SELECT row_number() OVER (ORDER BY referrer_aid) AS rid, r.* EXCLUDE (churn),
  (is_valid OR g_u(referrer_aid, 'rf.hl') < 0.5) AND referred_at + 4 <= ${LASTDAY} AS has_lead
FROM r WHERE referred_at <= ${LASTDAY} AND referred_at < churn;

CREATE TABLE acc_ref AS
SELECT ${z.accounts} + rid AS aid, 'referral' AS kind,
  CASE WHEN g_u(rid, 'rf.seg') < 0.6 THEN segment
       WHEN g_u(rid, 'rf.seg2') < 0.1 THEN 'Or' WHEN g_u(rid, 'rf.seg2') < 0.4 THEN 'Argent' ELSE 'Bronze' END AS segment,
  terr, team_idx, 0::BIGINT AS n_leads, NULL::DATE AS base_created, rid
FROM ref0 WHERE has_lead;

CREATE TABLE ls_r AS
SELECT 200000000 + r.rid AS lid, a.aid, a.segment, a.terr, a.team_idx, 'referral' AS acc_kind, 'referral' AS lkind, r.is_valid AS ref_valid,
  wd_fwd(r.referred_at + g_int(r.rid, 'rf.ld', 0, 2)::INTEGER) AS lo, wd_fwd(r.referred_at + g_int(r.rid, 'rf.ld', 0, 2)::INTEGER) AS hi, 'other' AS grp
FROM ref0 r JOIN acc_ref a USING (rid);
${resolveLeadsSql('ls_r', 'leads_r', z)}
${leadFlowSql('leads_r', 'r')}
${simulateOppsSql('os_r', 'opp_r')}

CREATE TABLE acc_all AS
SELECT a.aid, a.kind, a.segment, a.terr, a.team_idx, a.n_leads,
  CASE WHEN a.kind = 'new' THEN f.lday ELSE a.base_created END AS created_at
FROM acc1 a LEFT JOIN leads_a f ON f.aid = a.aid
UNION ALL
SELECT a.aid, a.kind, a.segment, a.terr, a.team_idx, a.n_leads, l.lday FROM acc_ref a JOIN leads_r l ON l.aid = a.aid;

CREATE TABLE leads_all AS SELECT * FROM leads1 UNION ALL SELECT * FROM leads_r;
CREATE TABLE lf_all AS SELECT * FROM lf_1 UNION ALL SELECT * FROM lf_r;
CREATE TABLE opp_lead AS SELECT * FROM opp1 UNION ALL SELECT * FROM opp_r;
${firstWinSql('opp_lead', 'fw_lead')}`,
  },
  {
    name: 'expansions',
    sql: `
CREATE TABLE cust AS
SELECT a.aid, a.segment, a.terr, a.team_idx, a.kind,
  CASE WHEN a.kind = 'base_customer' THEN ${START} ELSE fw.first_win END AS since,
  CASE WHEN a.kind = 'base_customer' THEN 'Logiciel' ELSE fw.first_line END AS first_line,
  a.kind = 'base_customer' OR fw.first_line = 'Logiciel' AS has_log,
  tier0(a.aid, a.segment) AS t0,
  CASE WHEN churn_day(a.aid, since, a.segment) < ${END} THEN churn_day(a.aid, since, a.segment) END AS churn_date
FROM acc_all a LEFT JOIN fw_lead fw USING (aid)
WHERE a.kind = 'base_customer' OR fw.aid IS NOT NULL;

CREATE TABLE exp_stub0 AS
WITH w AS (
  SELECT c.*, CASE WHEN kind = 'base_customer' THEN ${START} ELSE since + 30 END AS lo,
    least(coalesce(churn_date - 60, DATE '2026-09-19'), DATE '2026-09-19') AS hi,
    CASE segment WHEN 'Or' THEN 3.5 WHEN 'Argent' THEN 2.1 ELSE 1.3 END AS rate
  FROM cust c),
k AS (SELECT w.*, floor(rate * (hi - lo) / 365.0 + g_u(aid, 'ex.k'))::BIGINT AS n FROM w WHERE hi > lo),
j AS (SELECT k.*, 1000000000 + aid * 100 + unnest(range(n)) AS oid FROM k),
d AS ${sampleDay('j', 'cal_biz', "g_u(s.oid, 'ex.day')")}
SELECT d.*, wd_fwd(day) AS eday,
  CASE WHEN has_log AND g_u(oid, 'ex.type') < 0.35 THEN 'upsell' WHEN g_u(oid, 'ex.type') < 0.75 THEN 'cross' ELSE 'repeat' END AS exp_type0
FROM d;

CREATE TABLE exp_stub AS
WITH r AS (
  SELECT e.*, row_number() OVER (PARTITION BY aid, exp_type0 ORDER BY eday, oid) AS rk FROM exp_stub0 e),
t AS (
  SELECT r.*, CASE WHEN exp_type0 = 'upsell' AND rk > 3 - t0 THEN 'cross' ELSE exp_type0 END AS exp_type FROM r)
SELECT t.oid, t.aid, NULL::BIGINT AS lid, ${ownerAt('tr', 't.eday')} AS owner_sid, t.segment, t.terr, 'sales' AS origin,
  'expansion' AS kind, t.exp_type,
  CASE t.exp_type WHEN 'upsell' THEN 'Logiciel'
    WHEN 'cross' THEN list_element(list_filter(${list(R.PRODUCT_LINES)}, x -> x <> t.first_line), g_int(t.oid, 'ex.cl', 1, 3)::INTEGER)
    ELSE CASE WHEN t.first_line = 'Logiciel' THEN 'Formation' ELSE t.first_line END END AS product_line,
  at_biz(t.eday, g_u(t.oid, 'ex.t')) AS created_ts
FROM t JOIN terr tr ON tr.terr = t.terr
UNION ALL
SELECT 1000000000 + c.aid * 100 + 99, c.aid, NULL, ${ownerAt('tr', 'wd_fwd(c.since + g_int(c.aid, \'ex.sd\', 5, 30)::INTEGER)')},
  c.segment, c.terr, 'sales', 'second', 'second',
  CASE WHEN g_u(c.aid, 'ex.spl') < 0.5 THEN 'Formation' WHEN g_u(c.aid, 'ex.spl') < 0.8 THEN 'Services' ELSE 'Matériel' END,
  at_biz(wd_fwd(c.since + g_int(c.aid, 'ex.sd', 5, 30)::INTEGER), g_u(c.aid, 'ex.st'))
FROM cust c JOIN terr tr ON tr.terr = c.terr
WHERE c.kind <> 'base_customer' AND g_u(c.aid, 'ex.second') < 0.24
  AND wd_fwd(c.since + g_int(c.aid, 'ex.sd', 5, 30)::INTEGER) <= ${LASTDAY}
  AND (c.churn_date IS NULL OR c.churn_date > c.since + 60);
${simulateOppsSql('exp_stub', 'opp_exp')}
CREATE TABLE opp_all0 AS SELECT * FROM opp_lead UNION ALL SELECT * FROM opp_exp;
${firstWinSql('opp_all0', 'fw_all')}`,
  },
  {
    name: 'deal invoicing',
    sql: `
CREATE TABLE deal_tpl AS SELECT * FROM (VALUES ${R.DEAL_COMPONENTS.map(([line, inv, code, share, lo, hi, margin, disc]) =>
      `(${str(line)}, ${inv}, ${str(code)}, ${share}, ${lo}, ${hi}, ${margin}, ${disc})`).join(', ')})
  t(line, inv_seq, code, share, qlo, qhi, margin, discounted);

CREATE TABLE deal_lines0 AS
WITH c AS (
  SELECT o.oid, o.aid, o.segment, o.product_line, o.amount_exp, o.disc_pct, o.ts_close::DATE AS close_day,
    t.inv_seq, row_number() OVER (PARTITION BY o.oid ORDER BY t.inv_seq, t.code) AS comp_no, t.code, t.share, t.qlo, t.qhi, t.margin, t.discounted
  FROM opp_all0 o JOIN deal_tpl t ON t.line = o.product_line WHERE o.stage = 'won'),
q AS (
  SELECT c.*,
    CASE WHEN qhi = 1 THEN 1 ELSE greatest(1, round((qlo + floor(g_u2(oid, comp_no, 'dl.q') * (qhi - qlo + 1)))
      * CASE segment WHEN 'Or' THEN 3 WHEN 'Argent' THEN 1 ELSE 0.4 END)) END::BIGINT AS qty,
    CASE WHEN discounted THEN disc_pct ELSE 0 END::BIGINT AS dpct
  FROM c)
SELECT q.*,
  greatest(20, round(amount_exp::DOUBLE * share / qty / ((100 - dpct) / 100.0) / 20) * 20)::BIGINT AS price_cents,
  least(DATE '2026-09-30', wd_fwd(close_day + CASE
    WHEN product_line = 'Logiciel' THEN g_int(oid, 'dl.d1', 0, 5)
    WHEN product_line = 'Matériel' THEN g_int(oid, 'dl.d1', 3, 15)
    WHEN product_line = 'Formation' THEN g_int(oid, 'dl.d1', 10, 45)
    WHEN inv_seq = 1 THEN g_int(oid, 'dl.d1', 0, 7)
    ELSE g_int(oid, 'dl.d2', 30, 90) END::INTEGER)) AS invoice_date
FROM q;

CREATE TABLE won_amount AS
SELECT oid, sum(qty * price_cents * (100 - dpct) // 100) AS amount_cents FROM deal_lines0 GROUP BY oid;

CREATE TABLE opp_all AS
SELECT o.* EXCLUDE (amount_exp), CASE WHEN o.stage = 'won' THEN w.amount_cents ELSE round(o.amount_exp * 100)::BIGINT END AS amount_cents
FROM opp_all0 o LEFT JOIN won_amount w USING (oid);`,
  },
  {
    name: 'subscriptions',
    sql: `
CREATE TABLE sub_events AS
-- subscriptions of the base customers, started before the period
SELECT c.aid, 'Logiciel' AS line, date_trunc('month', DATE '2018-01-01' + g_int(c.aid, 'sb.start', 0, 2060)::INTEGER)::DATE AS start_date,
  c.t0 AS tier
FROM cust c WHERE c.kind = 'base_customer'
UNION ALL
SELECT c.aid, CASE WHEN g_u(c.aid, 'sb.l2') < 0.35 THEN 'Matériel' ELSE 'Services' END,
  date_trunc('month', DATE '2019-01-01' + g_int(c.aid, 'sb.start2', 0, 1700)::INTEGER)::DATE,
  CASE WHEN c.segment = 'Or' THEN 2 ELSE 1 END
FROM cust c WHERE c.kind = 'base_customer' AND g_u(c.aid, 'sb.l2') < 0.55
UNION ALL
-- subscriptions started by won deals: first deal of a line, and Logiciel upsells one tier up
SELECT w.aid, w.product_line, w.start_date,
  CASE WHEN w.exp_type = 'upsell' THEN least(3, c.t0 + w.up_rank) WHEN w.product_line = 'Logiciel' THEN c.t0
       WHEN w.segment = 'Or' OR g_u(w.oid, 'sb.tier') < 0.3 THEN 2 ELSE 1 END
FROM (
  SELECT o.*, (date_trunc('month', o.ts_close::DATE + 15) + INTERVAL 1 MONTH)::DATE AS start_date,
    row_number() OVER (PARTITION BY o.aid, o.product_line, coalesce(o.exp_type = 'upsell', false) ORDER BY o.ts_close, o.oid) AS line_rank,
    row_number() OVER (PARTITION BY o.aid, coalesce(o.exp_type = 'upsell', false) ORDER BY o.ts_close, o.oid) AS up_rank
  FROM opp_all o WHERE o.stage = 'won') w
JOIN cust c ON c.aid = w.aid
WHERE w.start_date <= ${END} AND (
  w.exp_type = 'upsell'
  OR (w.line_rank = 1 AND w.product_line = 'Logiciel' AND c.kind <> 'base_customer')
  OR (w.line_rank = 1 AND w.product_line = 'Matériel' AND g_u(w.oid, 'sb.maint') < 0.5)
  OR (w.line_rank = 1 AND w.product_line = 'Services' AND g_u(w.oid, 'sb.infog') < 0.3));

CREATE TABLE subs AS
WITH e AS (SELECT aid, line, start_date, max(tier) AS tier FROM sub_events GROUP BY ALL),
e2 AS (
  SELECT e.*, max(tier) OVER (PARTITION BY aid, line ORDER BY start_date ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS tier_run
  FROM e),
e3 AS (
  SELECT e2.*, lag(tier_run) OVER (PARTITION BY aid, line ORDER BY start_date) AS prev_tier FROM e2),
e4 AS (
  SELECT e3.aid, e3.line, e3.start_date, e3.tier_run AS tier, c.churn_date, c.segment
  FROM e3 JOIN cust c USING (aid)
  WHERE (prev_tier IS NULL OR tier_run > prev_tier) AND (c.churn_date IS NULL OR e3.start_date <= c.churn_date)),
e5 AS (
  SELECT e4.*, lead(start_date) OVER (PARTITION BY aid, line ORDER BY start_date) AS next_start FROM e4)
SELECT row_number() OVER (ORDER BY start_date, aid, line) AS sub_no, aid, line, start_date, tier, segment,
  CASE WHEN next_start IS NOT NULL THEN next_start - 1 ELSE churn_date END AS end_date
FROM e5;

CREATE TABLE sub_comp AS
WITH s AS (
  SELECT subs.*, list_element(CASE segment WHEN 'Or' THEN [10, 15, 20] WHEN 'Argent' THEN [0, 5, 10] ELSE [0, 0, 5] END,
    g_int(aid, 'sb.disc', 1, 3)::INTEGER)::BIGINT AS dpct,
    round(CASE segment WHEN 'Or' THEN 60 + 240 * g_u(aid, 'sb.seats') WHEN 'Argent' THEN 12 + 48 * g_u(aid, 'sb.seats')
      ELSE 5 + 20 * g_u(aid, 'sb.seats') END * (1 + 0.2 * (tier - 1)))::BIGINT AS seats
  FROM subs)
SELECT sub_no, 1 AS comp_no, 'LOG-T' || tier || '-USR' AS code, seats AS qty, [2200, 3500, 5200][tier] AS price_cents, dpct, 90 AS margin
  FROM s WHERE line = 'Logiciel'
UNION ALL SELECT sub_no, 2, 'LOG-T' || tier || '-LECT', 2 * seats, [400, 500, 600][tier], dpct, 92 FROM s
  WHERE line = 'Logiciel' AND g_u(aid, 'sb.lect') < 0.7
UNION ALL SELECT sub_no, 3, 'LOG-T' || tier || '-HEB', 1, [9000, 18000, 42000][tier], 0, 55 FROM s WHERE line = 'Logiciel'
UNION ALL SELECT sub_no, 4, 'LOG-STOCK', 1 + seats // 10, 500, 0, 60 FROM s WHERE line = 'Logiciel' AND g_u(aid, 'sb.stock') < 0.6
UNION ALL SELECT sub_no, 5, 'LOG-API', 1, 8000 * tier, dpct, 90 FROM s WHERE line = 'Logiciel' AND tier >= 2 AND g_u(aid, 'sb.api') < 0.6
UNION ALL SELECT sub_no, 6, 'LOG-SUP-PREM', 1, 15000 * tier, 0, 70 FROM s WHERE line = 'Logiciel' AND tier >= 2
UNION ALL SELECT sub_no, 7, 'LOG-MOD-PAIE', 1, CASE segment WHEN 'Or' THEN 60000 ELSE 25000 END, dpct, 85 FROM s
  WHERE line = 'Logiciel' AND segment <> 'Bronze' AND g_u(aid, 'sb.mod1') < 0.5
UNION ALL SELECT sub_no, 8, 'LOG-MOD-BI', 1, 45000, dpct, 85 FROM s WHERE line = 'Logiciel' AND segment = 'Or' AND g_u(aid, 'sb.mod2') < 0.6
UNION ALL SELECT sub_no, 9, 'LOG-SAUV', 1, [3000, 6000, 12000][tier], 0, 65 FROM s WHERE line = 'Logiciel' AND g_u(aid, 'sb.sauv') < 0.55
UNION ALL SELECT sub_no, 10, 'LOG-ELEARN', 1 + seats // 5, 800, dpct, 80 FROM s WHERE line = 'Logiciel' AND g_u(aid, 'sb.elearn') < 0.45
UNION ALL SELECT sub_no, 1, 'SRV-INFOG-T' || tier, 1, tier * CASE segment WHEN 'Or' THEN 520000 WHEN 'Argent' THEN 140000 ELSE 45000 END, dpct, 38
  FROM s WHERE line = 'Services'
UNION ALL SELECT sub_no, 2, 'SRV-SUPERV', 2 + seats // 8, 2500, dpct, 40 FROM s WHERE line = 'Services'
UNION ALL SELECT sub_no, 3, 'SRV-ASTREINTE', 1, CASE segment WHEN 'Or' THEN 130000 WHEN 'Argent' THEN 35000 ELSE 11000 END, 0, 45
  FROM s WHERE line = 'Services' AND tier >= 2
UNION ALL SELECT sub_no, 1, 'MAT-MAINT-T' || tier, round(seats * 0.8)::BIGINT + 2, 900 + 400 * tier, dpct, 45 FROM s WHERE line = 'Matériel'
UNION ALL SELECT sub_no, 2, 'MAT-LOC', round(seats * 0.5)::BIGINT + 1, 1800, dpct, 12 FROM s WHERE line = 'Matériel' AND g_u(aid, 'sb.loc') < 0.6;

CREATE TABLE sub_amount AS
SELECT sub_no, sum(qty * price_cents * (100 - dpct) // 100) AS monthly_cents FROM sub_comp GROUP BY sub_no;`,
  },
  {
    name: 'invoice lines',
    sql: `
CREATE TABLE inv_lines_i AS
-- deal invoices
SELECT d.aid, d.oid, d.invoice_date, 'invoice' AS doc_type, d.oid * 10 + d.inv_seq AS ikey, d.comp_no AS ord,
  d.product_line, d.code AS product_code, d.qty, d.price_cents, d.dpct,
  d.qty * d.price_cents * (100 - d.dpct) // 100 AS net_cents,
  round(d.price_cents * (100 - d.dpct) / 100.0 * (1 - (d.margin + 6 * (g_u2(d.oid, d.comp_no, 'dl.m') - 0.5)) / 100.0))::BIGINT AS cost_cents
FROM deal_lines0 d
UNION ALL
-- travel fees on a few deals, on their last invoice
SELECT d.aid, d.oid, d.invoice_date, 'invoice', d.oid * 10 + d.inv_seq, 99, d.product_line, 'FRAIS-DEPL', 1,
  greatest(20, round(w.amount_cents * (0.005 + 0.01 * g_u(d.oid, 'dl.fee')) / 20) * 20)::BIGINT, 0,
  greatest(20, round(w.amount_cents * (0.005 + 0.01 * g_u(d.oid, 'dl.fee')) / 20) * 20)::BIGINT,
  greatest(20, round(w.amount_cents * (0.005 + 0.01 * g_u(d.oid, 'dl.fee')) / 20) * 20)::BIGINT
FROM (SELECT *, row_number() OVER (PARTITION BY oid ORDER BY inv_seq DESC, comp_no) AS rn FROM deal_lines0) d
JOIN won_amount w USING (oid)
WHERE d.rn = 1 AND g_u(d.oid, 'dl.extra') < 0.05
UNION ALL
-- goodwill credit notes on a few deals
SELECT d.aid, d.oid, least(${END}, wd_fwd(d.invoice_date + g_int(d.oid, 'dl.cnd', 10, 60)::INTEGER)), 'credit_note', d.oid * 10 + 9, 1,
  d.product_line, 'AVOIR-GC', -1,
  greatest(20, round(w.amount_cents * (0.005 + 0.013 * g_u(d.oid, 'dl.cna')) / 20) * 20)::BIGINT, 0,
  -greatest(20, round(w.amount_cents * (0.005 + 0.013 * g_u(d.oid, 'dl.cna')) / 20) * 20)::BIGINT, 0
FROM deal_lines0 d JOIN won_amount w USING (oid)
WHERE d.comp_no = 1 AND g_u(d.oid, 'dl.cn') < 0.03
UNION ALL
-- monthly subscription invoices
SELECT s.aid, NULL, m.m, 'invoice', 0, s.sub_no * 10 + c.comp_no, s.line, c.code, c.qty, c.price_cents, c.dpct,
  c.qty * c.price_cents * (100 - c.dpct) // 100,
  round(c.price_cents * (100 - c.dpct) / 100.0 * (1 - c.margin / 100.0))::BIGINT
FROM subs s
JOIN (SELECT range::DATE AS m FROM range(${START}, ${END}, INTERVAL 1 MONTH)) m
  ON m.m >= s.start_date AND (s.end_date IS NULL OR m.m <= s.end_date)
JOIN sub_comp c ON c.sub_no = s.sub_no;

-- billing corrections: a few subscription invoices are partly credited
INSERT INTO inv_lines_i
SELECT l.aid, NULL, least(${END}, wd_fwd(l.invoice_date + g_int2(l.aid, l.invoice_date, 'cn.d', 5, 20)::INTEGER)), 'credit_note', 1, 1,
  l.product_line, l.product_code, -l.qty, l.price_cents, l.dpct, -l.net_cents, l.cost_cents
FROM (SELECT *, row_number() OVER (PARTITION BY aid, invoice_date ORDER BY ord) AS rn FROM inv_lines_i WHERE ikey = 0) l
WHERE l.rn = 1 AND g_u2(l.aid, l.invoice_date, 'cn') < 0.006;`,
  },
  { name: 'deal activities', sql: dealActivitiesSql() },
  { name: 'customer activities and no-shows', sql: customerActivitiesSql() + noShowSql() },
  { name: 'admin time', sql: adminSql() },
  { name: 'accounts and contacts', sql: accountsFinalSql() },
  { name: 'objectives', sql: objectivesSql() },
  { name: 'marketing spend', sql: spendSql(z) },
  { name: 'identifiers', sql: idMapsSql() },
];

// ---------------------------------------------------------------------------------------------

export async function generateSample(opts: SampleOptions): Promise<Record<string, number>> {
  const scale = opts.scale ?? 1;
  const seed = opts.seed ?? 42;
  const format = opts.format ?? 'csv';
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`scale must be a positive number, got ${scale}`);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative integer, got ${seed}`);
  const log = opts.log ?? (() => {});
  if (opts.exportDate !== undefined) {
    assertDay(opts.exportDate);
    if (opts.exportDate < SAMPLE_START || opts.exportDate > SAMPLE_END) {
      throw new Error(`export date ${opts.exportDate} is outside the sample company's history (${SAMPLE_START} to ${SAMPLE_END})`);
    }
  }
  const z = sizesFor(scale);
  await mkdir(opts.outDir, { recursive: true });
  // The sample company's own settings travel with its extracts, as a real company's do.
  await copyFile(SAMPLE_SETTINGS_FILE, path.join(opts.outDir, 'kpi-settings.yaml'));

  const config: Record<string, string> = {};
  if (opts.threads) config.threads = String(opts.threads);
  if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
  if (opts.tempDirectory) config.temp_directory = opts.tempDirectory;
  const instance = await DuckDBInstance.create(':memory:', config);
  const conn = await instance.connect();
  try {
    await conn.run(macros(seed));
    for (const step of pipeline(z)) {
      const t0 = performance.now();
      await conn.run(step.sql);
      log(`${step.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const queries = extractQueries(z);
    // The full history, one typed view per extract; with an export date, each extract is then
    // written as it stood at the end of that day (pipelines/load/point-in-time.ts), the reading
    // `--as-of` applies to a full export.
    await conn.run('CREATE SCHEMA sample_full; CREATE SCHEMA sample_cut;');
    for (const extract of SAMPLE_EXTRACTS) {
      const columns = sampleColumnsOf(extract).map((c) => `CAST(${c.name} AS ${c.duckdbType}) AS ${c.name}`).join(', ');
      await conn.run(`CREATE VIEW sample_full.${extract.name} AS SELECT ${columns} FROM (${queries[extract.name]})`);
    }
    const written = new Map<string, string>(SAMPLE_EXTRACTS.map((e) => [e.name, `sample_full.${e.name}`]));
    if (opts.exportDate) {
      const t0 = performance.now();
      const steps = pointInTimeSteps(opts.exportDate, {
        source: (name) => (written.has(name) ? `sample_full.${name}` : undefined),
        target: (name) => `sample_cut.${name}`,
      });
      for (const step of steps) {
        await conn.run(step.create);
        written.set(step.extract, `sample_cut.${step.extract}`);
      }
      log(`as exported on ${opts.exportDate}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const counts: Record<string, number> = {};
    for (const extract of SAMPLE_EXTRACTS) {
      const file = path.join(opts.outDir, `${extract.name}.${format}`).replace(/'/g, "''");
      const options = format === 'csv' ? "(HEADER, DELIMITER ',')" : '(FORMAT parquet)';
      const t0 = performance.now();
      const result = await conn.runAndReadAll(
        `COPY (SELECT * FROM ${written.get(extract.name)} ORDER BY ${extract.key.join(', ')}) TO '${file}' ${options}`);
      counts[extract.name] = Number(result.getRows()[0]?.[0] ?? 0);
      log(`write ${extract.name}: ${counts[extract.name]} rows, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    return counts;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

