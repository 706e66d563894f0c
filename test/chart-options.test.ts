/**
 * Every chart of every page speaks French in its ECharts options, not only in the page's text:
 * Evidence names a series after its column ("Revenue", "Growth Yoy"), title-cases column names in
 * tooltips, writes a funnel's labels "7 051 (100.00%)" and gives a chart no accessible name. Each
 * chart passes `echartsOptions={frChart(…)}` (site/components/chart-options.js); this test reads the
 * pages' chart components (their props and that call), and runs the options the helper makes —
 * tooltips and labels included — on sample values, checking every word and number a reader would
 * see. The built site's charts are checked in a browser by test/e2e-site.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a JavaScript module of the site, no types
import { frChart, frSeries } from '../site/components/chart-options.js';
// @ts-expect-error: a JavaScript module of the site, no types
import * as fmt from '../site/components/fr-format.js';
import { leaks } from './helpers/reader-words.js';

const PAGES = path.resolve(import.meta.dirname, '../site/pages');
const CHARTS = /<(LineChart|BarChart|AreaChart|FunnelChart|ScatterPlot|Heatmap|BubbleChart|Histogram|BoxPlot|SankeyDiagram|CalendarHeatmap)\b([\s\S]*?\n)\/?>(?=\n)/g;
const NNBSP = '\u202F';
const NBSP = '\u00A0';

/** Each chart of each page: its component, its props' text, and the page. */
const charts = () =>
  fs.readdirSync(PAGES, { recursive: true }).map(String).filter((f) => f.endsWith('.md')).sort()
    .flatMap((file) => [...fs.readFileSync(path.join(PAGES, file), 'utf8').matchAll(CHARTS)].map((m) => ({ file, component: m[1]!, props: m[2]! })));

/** The frChart(…) call of a chart's echartsOptions, or null. */
const frChartCall = (props: string) => props.match(/echartsOptions=\{(frChart\([\s\S]*\))\}\s*$/m)?.[1] ?? null;

/** String literals of a piece of page code ("…", '…', `…` without their ${…} parts). */
const literals = (code: string) =>
  [...code.matchAll(/"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g)].map((m) => (m[1] ?? m[2] ?? m[3] ?? '').replace(/\$\{[^}]*\}/g, ' '));

describe('the charts of every page', () => {
  const all = charts();

  it('finds the charts of the site', () => {
    expect(all.length).toBeGreaterThan(40);
  });

  it('each passes frChart with a French accessible name, French series names and French formats', () => {
    const missing = all.filter((c) => !frChartCall(c.props)).map((c) => `${c.file} ${c.component} ${c.props.match(/title=("[^"]*"|\{[^\n]*\})/)?.[1] ?? ''}`);
    expect(missing).toEqual([]);
    const bad: string[] = [];
    for (const c of all) {
      const call = frChartCall(c.props)!;
      // The accessible name: the first argument, a non-empty text.
      if (!/^frChart\((["'`])\S/.test(call) && !/^frChart\(`/.test(call)) bad.push(`${c.file} ${c.component}: no name in ${call.slice(0, 60)}`);
      // Every word the call and the chart's own text props give the reader (names, title, subtitle,
      // axis titles, series order): no code name, English word or English-style number. Format codes
      // and colours are not shown as such and are left out.
      const shown = [...literals(call), ...[...c.props.matchAll(/\b(title|subtitle|xAxisTitle|yAxisTitle|y2AxisTitle|seriesOrder|label)=("[^"]*"|\{[^\n]*\})/g)].flatMap((m) => literals(m[2]!.startsWith('"') ? m[2]! : m[2]!))]
        .filter((t) => !/^(month|day)$/.test(t) && !/^#[0-9a-f]{3,6}$/i.test(t) && !/^[#0.,%"\s;[\]<>=-]*$/.test(t));
      for (const text of shown) for (const leak of leaks(text)) bad.push(`${c.file} ${c.component}: "${leak}" in "${text}"`);
      // A chart whose series come from its y columns names them (else Evidence title-cases the column).
      const series = /(^|\s)series=/.test(c.props);
      const fromColumns = ['LineChart', 'BarChart', 'AreaChart'].includes(c.component) && !series;
      if (fromColumns && !/names:\s*\[/.test(call)) bad.push(`${c.file} ${c.component}: series from y columns left unnamed`);
      // A scatter plot titles its axes with its columns' names unless given French ones.
      // Its series have their own tooltips (seriesOptions={frSeries(…)}). A chart with a y2 axis names both axes.
      if (c.component === 'ScatterPlot' && !(/xAxisTitle="/.test(c.props) && /yAxisTitle="/.test(c.props))) bad.push(`${c.file} ScatterPlot: axis titles left to the column names`);
      if (c.component === 'ScatterPlot' && !/seriesOptions=\{frSeries\(/.test(c.props)) bad.push(`${c.file} ScatterPlot: series tooltips left to Evidence`);
      if (/(^|\s)y2=/.test(c.props) && !(/yAxisTitle="/.test(c.props) && /y2AxisTitle="/.test(c.props))) bad.push(`${c.file} ${c.component}: y and y2 axes left to the column names`);
      // A time axis labelled in French (frChart's time option, not Evidence's English month names).
      if (/xFmt="mm\/yyyy"/.test(c.props) && !/time:\s*true/.test(call)) bad.push(`${c.file} ${c.component}: time axis without French months`);
    }
    expect(bad).toEqual([]);
  });
});

describe('frChart, the options every chart passes', () => {
  it('gives the chart its accessible name and its series their French names', () => {
    const o = frChart("Chiffre d'affaires trimestriel", { y: fmt.eur, y2: fmt.pct, names: ["Chiffre d'affaires", 'Croissance sur un an'] });
    expect(o.aria).toEqual({ enabled: true, label: { description: "Chiffre d'affaires trimestriel" } });
    expect(o.series).toEqual([{ name: "Chiffre d'affaires" }, { name: 'Croissance sur un an' }]);
    // Evidence lists the series in its legend by their title-cased columns ("Revenue", "Growth Yoy"): the list is replaced.
    expect(o.legend).toEqual({ data: ["Chiffre d'affaires", 'Croissance sur un an'] });
  });

  it('writes tooltips with French names and numbers: euros on y, percent on y2, a quarter as it is named', () => {
    const o = frChart('CA', { y: fmt.eur, y2: fmt.pct, names: ["Chiffre d'affaires", 'Croissance sur un an'] });
    const html = o.tooltip.formatter([
      { seriesName: "Chiffre d'affaires", seriesIndex: 0, marker: '', value: ['T4 ex. 2026', 6411949.4] },
      { seriesName: 'Croissance sur un an', seriesIndex: 1, marker: '', value: ['T4 ex. 2026', 0.30567] },
    ]);
    const text = html.replace(/<[^>]+>/g, ' ');
    // 6 411 949,4 € in whole euros: 6 411 949 € (narrow spaces between thousands, no-break space before €); 30,6 %.
    expect(text).toContain(`6${NNBSP}411${NNBSP}949${NBSP}€`);
    expect(text).toContain(`30,6${NBSP}%`);
    expect(text).toContain('T4 ex. 2026');
    expect(leaks(text)).toEqual([]);
  });

  it('heads a time chart\'s tooltip with the month in French, and reads horizontal bars the right way round', () => {
    const time = frChart('CA mensuel', { y: fmt.eur, time: true, x: 'month', names: ["Chiffre d'affaires"] });
    expect(time.xAxis.axisLabel.formatter).toBe(fmt.frTime.xAxis.axisLabel.formatter);
    const head = time.tooltip.formatter([{ seriesName: "Chiffre d'affaires", seriesIndex: 0, marker: '', value: [Date.UTC(2025, 9, 1), 1500] }]);
    expect(head).toContain('oct. 2025');
    const swapped = frChart('CA par commercial', { y: fmt.eur, swap: true, names: ["Chiffre d'affaires"] });
    const text = swapped.tooltip.formatter([{ seriesName: "Chiffre d'affaires", seriesIndex: 0, marker: '', value: [1234567, 'Nadia Durand'] }]);
    expect(text).toContain('Nadia Durand');
    expect(text).toContain(`1${NNBSP}234${NNBSP}567${NBSP}€`);
  });

  it('labels a funnel "7 051 (100 %)" then each step as a share of the first, where Evidence wrote "7 051 (100.00%)"', () => {
    const o = frChart('Entonnoir des leads', { y: fmt.num, funnel: true });
    const label = o.series[0].label.formatter;
    // 7 051 leads, 2 115 qualified: 2 115 / 7 051 = 30,0 %, shown whole: 30 %.
    expect(label({ dataIndex: 0, value: 7051 })).toBe(`7${NNBSP}051 (100${NBSP}%)`);
    expect(label({ dataIndex: 1, value: 2115 })).toBe(`2${NNBSP}115 (30${NBSP}%)`);
    expect(o.series[0].tooltip.formatter({ name: 'Qualifiés', value: 2115 })).toBe(`<b>Qualifiés</b><br/>2${NNBSP}115`);
  });

  it('names a scatter plot\'s axes and a heatmap\'s value in French in their tooltips', () => {
    const axes = { y: fmt.pct0, x: fmt.pct0, axes: ["Taux de gain du reste de l'équipe", 'Taux de gain du commercial'] };
    const scatter = frChart('Taux de gain', axes);
    // The chart's tooltip and each series' (Evidence gives every series of a scatter plot its own) write the same.
    expect(frSeries(axes).tooltip.formatter({ seriesName: 'Nettement en dessous', value: [0.413, 0.2] })).toBe(scatter.tooltip.formatter({ seriesName: 'Nettement en dessous', value: [0.413, 0.2] }));
    const s = scatter.tooltip.formatter({ seriesName: 'Nettement en dessous', value: [0.413, 0.2] }).replace(/<[^>]+>/g, ' ');
    expect(s).toContain(`Taux de gain du reste de l'équipe 41${NBSP}%`);
    expect(s).toContain(`Taux de gain du commercial 20${NBSP}%`);
    const heat = frChart('RDV', { y: '0', heat: 'Rendez-vous par nouveau client' });
    expect(heat.tooltip.formatter({ name: 'Or', value: [0, 'Nadia Durand', 12] }).replace(/<[^>]+>/g, ' ')).toMatch(/Nadia Durand\s+Or\s+Rendez-vous par nouveau client\s+12/);
  });
});

describe('reader-words check', () => {
  it('catches what the issue found on the pages', () => {
    for (const leak of ['FY2024.0', 'Growth Yoy', '7 051 (100.00%)', 'segmentMixTarget', 'cac.marginAlertRatio', 'by_campaign_leads', 'scheduled_at', 'kpi-settings.yaml', '-3552,60 EUR', 'Revenue']) {
      expect(leaks(leak), leak).not.toEqual([]);
    }
    expect(leaks(`Exercice 2024 : 7${NNBSP}051 (100${NBSP}%), -3${NNBSP}552,60${NBSP}€, revenu mensuel récurrent`)).toEqual([]);
  });
});

describe('nobreak, for sentences written by the marts', () => {
  it('keeps thousands and units with their number', () => {
    expect(fmt.nobreak('(1 106 h sur 2 354 301 €) 36,5 % et 12 mois, 3 affaires')).toBe(`(1${NNBSP}106${NBSP}h sur 2${NNBSP}354${NNBSP}301${NBSP}€) 36,5${NBSP}% et 12${NBSP}mois, 3 affaires`);
    expect(fmt.nobreak(null)).toBe(null);
  });
});
