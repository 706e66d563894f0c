/**
 * The digest a manager can forward: what moved since the previous published build — the flash
 * figures of the current month, the landing forecast (method shown, company) and the alerts raised
 * or resolved. One static French page per build, and a PDF of it when Chromium is present.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../db/duckdb.js';
import type { Browser } from 'playwright-core';

export type Alert = { key: string; rule_label: string; severity: string; message: string };
/** What moved in the pipeline between the two snapshots this release compares (pipelines/history). */
export interface Movement {
  currentDay: string;
  /** None: this release holds the company's first snapshot. */
  previousDay: string | null;
  quarterLabel: string | null;
  quarter: { start: number; end: number } | null;
  /** The three deals pushed to a later quarter with the largest amounts. */
  slips: { name: string; account: string | null; amount: number; from: string | null; to: string | null }[];
  /** The three largest deals created since the previous snapshot. */
  newDeals: { name: string; account: string | null; amount: number; closeQuarter: string | null }[];
  /** The company's forecast then and now, per period. */
  forecast: { period: string; before: number | null; after: number }[];
}

export interface Snapshot {
  /** Absent for a release older than the history marts. */
  movement?: Movement;
  flash: { label: string; value: number | null; unit: 'EUR' | 'count' }[];
  forecast: { period_type: string; period_start: string; period_end: string; forecast: number; p10: number; p90: number; mape: number | null; method: string }[];
  alerts: Alert[];
}

const FLASH: [column: string, label: string, unit: 'EUR' | 'count'][] = [
  ['revenue', "Chiffre d'affaires", 'EUR'],
  ['won_deals', 'Affaires gagnées', 'count'],
  ['won_value', 'Montant gagné', 'EUR'],
  ['lost_deals', 'Affaires perdues', 'count'],
];

/** Reads what the digest shows from a built database; `schema` is the catalog holding `marts` (an attached database). */
export const readSnapshot = async (db: Database, catalog = ''): Promise<Snapshot> => {
  const at = catalog ? `${catalog}.` : '';
  const [flash] = await db.query(`SELECT ${FLASH.map(([c]) => c).join(', ')} FROM ${at}marts.flash_figures
    WHERE period_type = 'month' AND team = 'Toutes les équipes' ORDER BY period_start DESC LIMIT 1`);
  const forecast = await db.query<Snapshot['forecast'][number]>(`SELECT period_type, CAST(period_start AS VARCHAR) AS period_start, CAST(period_end AS VARCHAR) AS period_end,
      forecast, p10, p90, backtest_mape AS mape, method
    FROM ${at}marts.forecast_landing WHERE scope_type = 'Entreprise' AND is_shown ORDER BY period_type DESC`);
  const alerts = await db.query<Alert>(`SELECT rule || ' | ' || subject || ' | ' || period AS key, rule_label, severity, message
    FROM ${at}marts.alerts ORDER BY severity_rank, rule, subject`);
  // A release older than the history marts has none of these: no movement to show. Any other
  // failure is an error, not a reason to leave the section out.
  const movement = (await hasHistoryMarts(db, catalog)) ? await readMovement(db, at) : undefined;
  return { flash: FLASH.map(([c, label, unit]) => ({ label, unit, value: flash?.[c] == null ? null : Number(flash[c]) })), forecast, alerts, movement };
};

const HISTORY_TABLES = ['int_history_snapshot_pair', 'pipeline_movement', 'pipeline_movement_deals', 'forecast_movement'];

/** Whether the database (`catalog`, '' for the default one) has every table readMovement reads. */
const hasHistoryMarts = async (db: Database, catalog: string) => {
  // information_schema.tables lists views too (a model may be either).
  const [found] = await db.query<{ n: number }>(`SELECT CAST(count(DISTINCT table_name) AS INTEGER) AS n FROM information_schema.tables
    WHERE table_catalog = coalesce(nullif(?, ''), current_database()) AND table_schema IN ('intermediate', 'marts')
      AND table_name IN (${HISTORY_TABLES.map(() => '?').join(', ')})`, [catalog, ...HISTORY_TABLES]);
  return found!.n === HISTORY_TABLES.length;
};

/** The digest's "what moved" from the history marts (`at`: the catalog prefix); undefined without a snapshot. */
const readMovement = async (db: Database, at: string): Promise<Movement | undefined> => {
  const [pair] = await db.query<{ current_day: string; previous_day: string | null; quarter_label: string }>(`SELECT CAST(current_day AS VARCHAR) AS current_day,
      CAST(previous_day AS VARCHAR) AS previous_day, quarter_label FROM ${at}intermediate.int_history_snapshot_pair`);
  if (!pair) return undefined;
  const movement: Movement = { currentDay: pair.current_day, previousDay: pair.previous_day, quarterLabel: pair.quarter_label, quarter: null, slips: [], newDeals: [], forecast: [] };
  if (!pair.previous_day) return movement;
  const [quarter] = await db.query<{ start: number; end: number }>(`SELECT sum(amount) FILTER (WHERE bar = 'start') AS start, sum(amount) FILTER (WHERE bar = 'end') AS "end"
    FROM ${at}marts.pipeline_movement WHERE scope = 'quarter'`);
  movement.quarter = quarter ? { start: Number(quarter.start), end: Number(quarter.end) } : null;
  const deal = `coalesce(opportunity_name, opportunity_id) AS name, account_name AS account`;
  movement.slips = await db.query<Movement['slips'][number]>(`SELECT ${deal}, amount_before AS amount, close_quarter_before AS "from", close_quarter_after AS "to"
    FROM ${at}marts.pipeline_movement_deals WHERE movement = 'pushed' ORDER BY amount_before DESC, opportunity_id LIMIT 3`);
  movement.newDeals = await db.query<Movement['newDeals'][number]>(`SELECT ${deal}, amount_after AS amount, close_quarter_after AS "closeQuarter"
    FROM ${at}marts.pipeline_movement_deals WHERE movement = 'created' ORDER BY amount_after DESC, opportunity_id LIMIT 3`);
  movement.forecast = await db.query<Movement['forecast'][number]>(`SELECT period_label AS period, forecast_before AS before, forecast_after AS after
    FROM ${at}marts.forecast_movement WHERE scope_type = 'Entreprise' ORDER BY period_type DESC, period_start`);
  return movement;
};

const eur = (v: number | null) => v == null ? '—' : new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }).format(v);
const num = (v: number | null) => v == null ? '—' : new Intl.NumberFormat('fr-FR').format(v);
const pct = (v: number | null) => v == null ? '—' : new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 }).format(v);
const day = (iso: string) => new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const signed = (d: number | null, fmt: (v: number) => string) => d == null ? '—' : `${d > 0 ? '+' : d < 0 ? '−' : ''}${fmt(Math.abs(d))}`;
const QUARTER = (label: string | null) => label ?? 'sans date prévue';
const dealLine = (name: string, account: string | null) => `<strong>${esc(name)}</strong>${account ? ` (${esc(account)})` : ''}`;

/** The section "what moved in the pipeline" (issue 28): the quarter's pipeline, the slips, the new deals, the forecast. */
export const renderMovement = (m: Movement | undefined): string => {
  if (!m) return '';
  if (!m.previousDay) {
    return `<h2>Évolution du pipeline</h2>\n<p>Premier instantané du pipeline (${day(m.currentDay)}) : l'évolution sera comparée à partir de la prochaine mise à jour.</p>\n`;
  }
  const quarter = m.quarter
    ? `<p>Pipeline attendu au ${esc(m.quarterLabel ?? '')} : ${eur(m.quarter.start)} le ${day(m.previousDay)}, ${eur(m.quarter.end)} le ${day(m.currentDay)} (${signed(m.quarter.end - m.quarter.start, eur)}).</p>`
    : '';
  const slips = m.slips.length
    ? `<ul>${m.slips.map((d) => `<li>${dealLine(d.name, d.account)} : ${eur(d.amount)}, repoussée de ${esc(QUARTER(d.from))} à ${esc(QUARTER(d.to))}</li>`).join('')}</ul>`
    : '<p>Aucune affaire repoussée à un trimestre plus tardif.</p>';
  const created = m.newDeals.length
    ? `<ul>${m.newDeals.map((d) => `<li>${dealLine(d.name, d.account)} : ${eur(d.amount)}, conclusion prévue au ${esc(QUARTER(d.closeQuarter))}</li>`).join('')}</ul>`
    : '<p>Aucune affaire créée.</p>';
  const forecast = m.forecast.length
    ? `<table><tr><th>Période</th><th>Le ${day(m.previousDay)}</th><th>Le ${day(m.currentDay)}</th><th>Évolution</th></tr>${m.forecast.map((f) =>
      `<tr><td>${esc(f.period)}</td><td>${eur(f.before)}</td><td>${eur(f.after)}</td><td>${f.before == null ? 'nouvelle période' : signed(f.after - f.before, eur)}</td></tr>`).join('')}</table>`
    : '<p>Aucune prévision enregistrée dans les instantanés.</p>';
  return `<h2>Évolution du pipeline depuis le ${day(m.previousDay)}</h2>
${quarter}
<h3>Les plus gros glissements</h3>${slips}
<h3>Les plus grosses affaires nouvelles</h3>${created}
<h3>Évolution de la prévision</h3>${forecast}
`;
};

const METHOD: Record<string, string> = { pipeline: 'pipeline pondéré', run_rate: 'rythme récent', blend: 'mélange' };

/** The digest page: the current snapshot against the previous one (none on a first build). */
export const renderDigest = (current: Snapshot, previous: Snapshot | undefined, builtAt: Date): string => {
  const prevKeys = new Set(previous?.alerts.map((a) => a.key) ?? []);
  const curKeys = new Set(current.alerts.map((a) => a.key));
  const raised = current.alerts.filter((a) => !prevKeys.has(a.key));
  const resolved = previous?.alerts.filter((a) => !curKeys.has(a.key)) ?? [];
  const flashRows = current.flash.map((f, i) => {
    const before = previous?.flash[i]?.value ?? null;
    const fmt = f.unit === 'EUR' ? eur : num;
    return `<tr><td>${esc(f.label)}</td><td>${fmt(f.value)}</td><td>${previous ? signed(f.value != null && before != null ? f.value - before : null, fmt) : '—'}</td></tr>`;
  }).join('');
  const forecastRows = current.forecast.map((f) => {
    const before = previous?.forecast.find((p) => p.period_type === f.period_type && p.period_start === f.period_start);
    return `<tr><td>${f.period_type === 'year' ? 'Exercice' : 'Trimestre'} du ${day(f.period_start)} au ${day(f.period_end)}</td><td>${eur(f.forecast)}</td>`
      + `<td>${eur(f.p10)} – ${eur(f.p90)}</td><td>${pct(f.mape)} (${esc(METHOD[f.method] ?? f.method)})</td>`
      + `<td>${before ? signed(f.forecast - before.forecast, eur) : '—'}</td></tr>`;
  }).join('');
  const list = (alerts: Alert[], none: string) => alerts.length
    ? `<ul>${alerts.map((a) => `<li><strong>${esc(a.rule_label)}</strong> (${esc(a.severity)}) : ${esc(a.message)}</li>`).join('')}</ul>`
    : `<p>${none}</p>`;
  const when = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(builtAt);
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Synthèse du ${esc(when)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;color:#222}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left}td+td{text-align:right}</style>
</head><body>
<h1>Synthèse de la mise à jour du ${esc(when)} (UTC)</h1>
<p>${previous ? 'Comparée à la mise à jour publiée précédente.' : 'Première mise à jour publiée : rien à comparer.'}</p>
${renderMovement(current.movement)}<h2>Chiffres flash du mois</h2>
<table><tr><th>Indicateur</th><th>Valeur</th><th>Évolution</th></tr>${flashRows}</table>
<h2>Atterrissage prévu</h2>
<table><tr><th>Période</th><th>Prévision</th><th>Intervalle P10–P90</th><th>Erreur mesurée (méthode)</th><th>Évolution</th></tr>${forecastRows}</table>
<h2>Nouvelles alertes (${raised.length})</h2>${list(raised, 'Aucune nouvelle alerte.')}
<h2>Alertes résolues (${resolved.length})</h2>${list(resolved, 'Aucune alerte résolue.')}
<h2>Alertes en cours (${current.alerts.length})</h2>${list(current.alerts, 'Aucune alerte.')}
</body></html>
`;
};

/** A Chromium to print the digest with, or why there is none. */
export type Printer = { browser: Browser } | { missing: string };

/**
 * Starts the Chromium that prints the digest (CHROMIUM_PATH, else /usr/bin/chromium as the site
 * tests use, else playwright-core's own install). It takes about a second: a build starts it
 * beside its site step, and closes it (`closePrinter`).
 */
export const launchPrinter = async (): Promise<Printer> => {
  try {
    const { chromium } = await import('playwright-core');
    const executablePath = process.env.CHROMIUM_PATH ?? (fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
    return { browser: await chromium.launch(executablePath ? { executablePath } : {}) };
  } catch (e) {
    return { missing: `pas de PDF : Chromium introuvable (${(e as Error).message.split('\n')[0]})` };
  }
};

/** Closes the printer's Chromium; never throws (a run ending on an error keeps that error). */
export const closePrinter = async (printer: Printer) => {
  if ('browser' in printer) await printer.browser.close().catch(() => {});
};

/**
 * Writes digest.html into `outDir`, and digest.pdf when there is a Chromium (`printer`, else one
 * started for it); returns what it wrote and why a PDF is missing.
 */
export const writeDigest = async (html: string, outDir: string, printer?: Printer): Promise<{ html: string; pdf?: string; noPdf?: string }> => {
  fs.mkdirSync(outDir, { recursive: true });
  const htmlFile = path.join(outDir, 'digest.html');
  fs.writeFileSync(htmlFile, html);
  const used = printer ?? (await launchPrinter());
  try {
    if ('missing' in used) return { html: htmlFile, noPdf: used.missing };
    const page = await used.browser.newPage();
    try {
      await page.setContent(html);
      const pdf = path.join(outDir, 'digest.pdf');
      await page.pdf({ path: pdf, format: 'A4' });
      return { html: htmlFile, pdf };
    } finally {
      await page.close();
    }
  } catch (e) {
    return { html: htmlFile, noPdf: `pas de PDF : ${(e as Error).message.split('\n')[0]}` };
  } finally {
    if (!printer) await closePrinter(used);
  }
};
