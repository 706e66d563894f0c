// French number formats for every page (imported by each page's <script>: `../fr-format.js` from a
// page one folder down). One module instead of a block copied into each page.
//
// Evidence 40 formats every value through SheetJS's SSF (the `fmt` props, custom formats of
// evidence.config.yaml and the built-in formats alike), and SSF has no locale: it writes "35.8%",
// "2.5" and "1,234". So this module does two things:
//  1. it names the format codes pages pass to `fmt` (eur, pct, pts, …), written once;
//  2. it wraps SSF's `format` (the one object every Evidence component calls) so that a number it
//     formats comes out French: decimal comma, a narrow no-break space (U+202F) between thousands,
//     a no-break space before % and €, and the `pts` code as points ("+2,5 pts"). Dates and text
//     are left as SSF writes them.
// Sentences built in pages use the text functions below (fr, pctfr, ptsfr, …), which use the same
// rules through Intl's fr-FR.
import ssf from 'ssf';

export const NNBSP = '\u202F'; // between thousands (Intl's fr-FR and the French typographic rule)
export const NBSP = '\u00A0'; // before % and €

// Money, whole euros: minus signs kept next to the digits (SSF's sections would otherwise write
// "- 1 234 €"). eurs/nums are for signed amounts reaching minus a million (gaps, net returns).
export const eur = '[>=0]# ### ### ##0" €";[>-1000]-0" €";-# ##0" €"';
export const eurs = '[>=0]# ### ### ##0" €";[<=-1000000]-# ### ##0" €";-# ##0" €"';
export const eur2 = '[>=0]# ### ### ##0.00" €";[>-1000]-0.00" €";-# ##0.00" €"';
export const num = '[>=0]# ### ### ##0;[>-1000]-0;-# ##0';
export const nums = '[>=0]# ### ### ##0;[<=-1000000]-# ### ##0;-# ##0';
export const num2 = '[>=0]# ### ### ##0.00;[>-1000]-0.00;-# ##0.00';
export const dec1 = '0.0';
// Rates grouped like other numbers: a ROI of 4 128 %, never "4128 %".
export const pct = '#,##0.0%';
export const pct0 = '#,##0%';
// A difference of two rates, in percentage points: 0.025 reads "+2,5 pts".
export const pts = '+0.0" pts";-0.0" pts";0.0" pts"';
// A whole number shown as is (a year number: 2026, never "2026.0" nor "2 026").
export const int = '0';

const DATE_TOKENS = /[ymdhs]/i;
/** Whether an SSF format code formats dates (its letters outside quotes and brackets). */
const isDateCode = (code) => DATE_TOKENS.test(String(code).replace(/"[^"]*"|\[[^\]]*\]/g, ''));

/** French separators in a number SSF wrote the English way. */
export const frenchify = (text) =>
  String(text)
    .replace(/(\d),(?=\d{3}(\D|$))/g, `$1${NNBSP}`) // 1,234 → 1 234 (thousands)
    .replace(/(\d) (?=\d{3}(\D|$))/g, `$1${NNBSP}`) // 1 234 (codes "# ###") → narrow space
    .replace(/(\d)\.(\d)/g, '$1,$2') // decimal comma
    .replace(/(\d) ?%/g, `$1${NBSP}%`)
    .replace(/(\d) €/g, `$1${NBSP}€`)
    .replace(/(\d) pts/g, `$1${NBSP}pts`)
    .trim();

const POINTS_CODES = new Set([pts]);

// Wrap SSF once per JavaScript realm (server render and browser alike).
if (!ssf.format.frenchFormatting) {
  const englishFormat = ssf.format;
  const frenchFormat = function (code, value, options) {
    if (typeof value !== 'number' || !Number.isFinite(value) || isDateCode(code)) return englishFormat.call(ssf, code, value, options);
    // Points: the value is a difference of rates (0.025), shown ×100 with the "pts" unit.
    if (POINTS_CODES.has(code)) return frenchify(englishFormat.call(ssf, code, value * 100, options));
    return frenchify(englishFormat.call(ssf, code, value, options));
  };
  frenchFormat.frenchFormatting = true;
  ssf.format = frenchFormat;
}

const nf = (digits) => new Intl.NumberFormat('fr-FR', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const n0 = nf(0);
const n1 = nf(1);
const n2 = nf(2);
// Intl's fr-FR already puts U+202F between thousands; the sign is an ASCII minus.
const clean = (text) => text.replace(/\u2212/g, '-');

/** Whole number for sentences: 58 082 229 ("—" when missing). */
export const fr = (v) => (v == null || Number.isNaN(Number(v)) ? '—' : clean(n0.format(Math.round(Number(v)))));
/** One decimal: 2,5. */
export const fr1 = (v) => (v == null || Number.isNaN(Number(v)) ? '—' : clean(n1.format(Number(v))));
/** Money in whole euros: 58 082 229 €. */
export const eurfr = (v) => (v == null || Number.isNaN(Number(v)) ? '—' : `${fr(v)}${NBSP}€`);
/** Money in euros and cents: 58 082 229,40 €. */
export const euros = (v) => `${clean(n2.format(Number(v ?? 0)))}${NBSP}€`;
/** A rate: 0.358 → 35,8 %. */
export const pctfr = (v) => (v == null || Number.isNaN(Number(v)) ? '—' : `${clean(n1.format(Number(v) * 100))}${NBSP}%`);
/** A difference of rates in points: 0.025 → +2,5 pts. */
export const ptsfr = (v) => {
  if (v == null || Number.isNaN(Number(v))) return '—';
  const p = Math.round(Number(v) * 1000) / 10;
  return `${p > 0 ? '+' : ''}${clean(n1.format(p))}${NBSP}pts`;
};
/** A signed change in percent: +4,2 %. */
export const pctsfr = (v) => (v == null || Number.isNaN(Number(v)) ? '—' : `${Number(v) > 0 ? '+' : ''}${pctfr(v)}`);

/**
 * A sentence written elsewhere (a mart's message: "1 106 h", "36,5 %") made unbreakable where French
 * typography wants it: a narrow no-break space between thousands, a no-break space between a number
 * and its unit (%, €, h, pts, j), so a phone never wraps "(1⏎106 h".
 */
export const nobreak = (text) =>
  text == null
    ? text
    : String(text)
        .replace(/(\d)[ \u00A0](?=\d{3}(?!\d))/g, `$1${NNBSP}`)
        .replace(/(\d) (?=(%|€|h|pts|j|jours|mois)(?![\p{L}\d]))/gu, `$1${NBSP}`);

export const frMonths = ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'];
/** A date as 30/09/2026. */
export const frDate = (v) => {
  if (v == null) return '—';
  const d = new Date(v);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
};
// ECharts' time axis labels months in English: label them in French (year on January).
export const frTime = {
  xAxis: {
    axisLabel: {
      formatter: (v) => {
        const d = new Date(v);
        return d.getDate() !== 1 ? `${d.getDate()} ${frMonths[d.getMonth()]}` : d.getMonth() === 0 ? String(d.getFullYear()) : frMonths[d.getMonth()];
      }
    }
  }
};
export const segColors = { Or: '#C9A227', Argent: '#8E9AA6', Bronze: '#A0522D', Inconnu: '#c8ccd0' };
