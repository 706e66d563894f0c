// The ECharts options every chart of the site passes (`echartsOptions={frChart(…)}`): what Evidence
// writes by itself is English or code. It names a series after its column ("Revenue", "Growth Yoy",
// "Win Rate", title-cased from revenue, growth_yoy, win_rate) and shows that name in tooltips; a
// scatter plot's and a heatmap's tooltips title-case the column names the same way; a funnel's labels
// read "7 051 (100.00%)"; and a chart has no accessible name (a screen reader meets a bare canvas).
// So each chart gives, in French: its accessible name (ECharts' aria description, the chart's
// aria-label), the names of the series its y columns make, and tooltips and labels written with
// the French formats of fr-format.js. test/chart-options.test.ts checks every chart of every page
// passes it; test/e2e-site.test.ts reads the options of the charts drawn.
import ssf from 'ssf';
import { NBSP, frMonths, frTime, fr, num } from './fr-format.js';

/** A value in a tooltip: a number through the French formats (SSF, wrapped by fr-format.js), text as is. */
const valueText = (value, code) => {
	if (value == null || value === '') return '—';
	const n = typeof value === 'number' ? value : Number.NaN;
	return Number.isFinite(n) ? ssf.format(code ?? num, n) : String(value);
};

/** The x value at the head of a tooltip: a day, a month ("oct. 2025"), or a category as written. */
const xText = (value, x) => {
	if (x === 'month' || x === 'day') {
		const d = new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);
		if (Number.isNaN(d.getTime())) return String(value);
		return x === 'month'
			? `${frMonths[d.getUTCMonth()]} ${d.getUTCFullYear()}`
			: `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
	}
	return typeof value === 'number' ? valueText(value, x) : String(value);
};

const row = (marker, name, text) => `<br/>${marker ?? ''} ${name}<span style='float:right; margin-left: 10px;'>${text}</span>`;

/**
 * A scatter plot's options for each of its series (its `seriesOptions` prop): Evidence gives each
 * series its own tooltip, which the chart-wide one of frChart does not replace. `o.axes` are the
 * French names of its x and y columns, `o.x` and `o.y` their formats.
 */
export const frSeries = (o) => {
	const [xName, yName] = o.axes;
	return {
		tooltip: {
			formatter: (p) => {
				const one = Array.isArray(p) ? p[0] : p;
				return `<b>${one.seriesName}</b>${row('', xName, valueText(one.value[0], o.x))}${row('', yName, valueText(one.value[1], o.y))}`;
			}
		}
	};
};

/**
 * @param {string} name what the chart shows, its accessible name (usually its title)
 * @param {object} [o]
 * @param {string[]} [o.names] French names of the series its y (then y2) columns make, in order;
 *   leave out when the series come from a `series` column (their names are data, already French)
 * @param {string} [o.y] format code of y values (fr-format.js: eur, pct, …); o.y2 the same for y2
 * @param {number} [o.yCount] how many series are on the y axis (the others are on y2); default 1
 * @param {'month'|'day'|string} [o.x] how the x value heading the tooltip is written ('month' or
 *   'day' for a time axis, else a format code; a category is shown as is)
 * @param {boolean} [o.swap] swapXY: the value is [y, x]
 * @param {boolean} [o.time] a time x axis: month names in French (fr-format.js frTime)
 * @param {string[]} [o.axes] scatter plot: the French names of its x and y columns
 * @param {string} [o.heat] heatmap: the French name of its value
 * @param {boolean} [o.funnel] funnel: labels "7 051 (100 %)", the share of the first step
 * @param {object} [o.extra] more ECharts options, merged last
 */
export const frChart = (name, o = {}) => {
	const options = { aria: { enabled: true, label: { description: name } } };
	if (o.time) options.xAxis = frTime.xAxis;
	const yCount = o.yCount ?? 1;
	if (o.funnel) {
		let first = null;
		options.series = [
			{
				label: {
					formatter: (p) => {
						// The first step is the largest: the share is of it, as Evidence's label meant.
						if (first == null || p.dataIndex === 0) first = p.dataIndex === 0 ? p.value : first;
						const share = first ? p.value / first : null;
						return `${fr(p.value)} (${share == null ? '—' : `${fr(Math.round(share * 100))}${NBSP}%`})`;
					}
				},
				tooltip: { formatter: (p) => `<b>${p.name}</b><br/>${valueText(p.value, o.y)}` }
			}
		];
		options.tooltip = { formatter: (p) => `<b>${p.name}</b><br/>${valueText(p.value, o.y)}` };
	} else if (o.heat) {
		options.tooltip = {
			formatter: (p) => `<b>${p.value[1]}</b><br/><b>${p.name}</b>${row('', o.heat, valueText(p.value[2], o.y))}`
		};
	} else if (o.axes) {
		options.tooltip = frSeries(o).tooltip;
	} else {
		options.tooltip = {
			formatter: (params) => {
				const list = (Array.isArray(params) ? params : [params]).filter((p) => p.seriesName !== 'stackTotal');
				if (list.length === 0) return '';
				const head = list[0];
				const x = Array.isArray(head.value) ? head.value[o.swap ? 1 : 0] : head.name;
				return (
					`<b>${xText(x, o.x)}</b>` +
					list
						.map((p) => {
							const v = Array.isArray(p.value) ? p.value[o.swap ? 0 : 1] : p.value;
							return row(p.marker, p.seriesName, valueText(v, p.seriesIndex >= yCount && o.y2 ? o.y2 : o.y));
						})
						.join('')
				);
			}
		};
	}
	// Renamed series, and the legend's list of them (Evidence fills it with the title-cased column names).
	if (o.names) {
		options.series = o.names.map((n) => ({ name: n }));
		options.legend = { data: o.names };
	}
	return o.extra ? { ...options, ...o.extra } : options;
};
