/**
 * What a reader must not see: code names (snake_case columns, camelCase or dotted setting keys,
 * file names), common English words, and numbers written the English way. Shared by the checks of
 * marts' texts (kpi-glossary-words), of the pages' charts (chart-options) and of the built site (e2e-site).
 */

/** English words that are not also French words ("on", "or", "a" are). */
const ENGLISH = new Set([
  'the', 'of', 'per', 'and', 'with', 'when', 'from', 'by', 'to', 'is', 'at', 'in', 'which', 'that', 'not', 'than',
  'revenue', 'deals', 'deal', 'rate', 'count', 'customers', 'customer', 'sellers', 'seller', 'won', 'lost', 'invoice',
  'invoices', 'invoiced', 'spend', 'held', 'out', 'share', 'days', 'months', 'year', 'needs', 'rows', 'amount', 'period',
  'month', 'provided', 'margin', 'new', 'first', 'objective', 'target', 'activities', 'meetings', 'hours', 'loaded', 'read',
  'wrong', 'expected', 'missing', 'value', 'key', 'never', 'closed', 'above', 'below', 'negative', 'unknown', 'reference',
  'duplicate', 'future', 'before', 'starts', 'ends', 'must', 'quantity', 'bytes', 'field', 'fields', 'header', 'whole', 'number',
]);

/** What in `text` is not reader French: snake_case, camelCase or dotted keys, English words. */
export const notReaderWords = (text: string): string[] => {
  const found = new Set<string>();
  for (const key of text.match(/\b[a-z][A-Za-z]*\.[a-z][A-Za-z_]+\b/g) ?? []) found.add(key);
  for (const token of text.match(/[\p{L}\p{N}_]+/gu) ?? []) {
    if (/_/.test(token) && /\p{L}/u.test(token)) found.add(token);
    else if (/^[a-z]+[A-Z]/.test(token)) found.add(token);
    else if (ENGLISH.has(token.toLowerCase())) found.add(token);
  }
  return [...found];
};

/** Numbers written the English way: "1,234.5", "100.00%", "35.8%", "2024.0", "-3552,60 EUR", "12%". */
export const englishNumbers = (text: string): string[] => [
  ...(text.match(/\d,\d{3}(?:,\d{3})*\.\d+/g) ?? []), // 1,234.5
  ...(text.match(/\d\.\d+ ?%/g) ?? []), // 100.00% / 35.8 %
  ...(text.match(/\d%/g) ?? []), // 12% (French: 12 %)
  ...(text.match(/\b(19|20)\d\d\.0\b/g) ?? []), // a year as 2024.0
  ...(text.match(/\d\s?(EUR|USD|GBP)\b/g) ?? []), // an amount in a currency code
  ...(text.match(/\b\d{1,3}(?:,\d{3}){2,}\b/g) ?? []), // 1,234,567 (one group alone, "7,051", may be a French decimal)
];

/** File names a reader has no use for (settings, extracts): kpi-settings.yaml, invoices.csv. */
export const fileNames = (text: string): string[] => text.match(/\b[\w-]+\.(ya?ml|csv|parquet|json|sql|ts|js)\b/g) ?? [];

/** English business abbreviations: FY2026 (French: Exercice 2026), MRR (revenu mensuel récurrent), YoY. */
export const englishAbbreviations = (text: string): string[] => text.match(/\b(FY|MRR|ARR|YoY|Yoy|QoQ|YTD)(?=\d|\b)/g) ?? [];

/** Column names Evidence title-cases into series and tooltip names: "Growth Yoy", "Weighted Value", "Avg Cycle Days". */
const TITLE_CASED = /\b(Growth|Weighted|Avg|Pct|Percentile|Value|Values)\b/g;

/** Everything in `text` a French reader should not meet. */
export const leaks = (text: string): string[] => [
  ...notReaderWords(text), ...englishNumbers(text), ...fileNames(text), ...englishAbbreviations(text), ...(text.match(TITLE_CASED) ?? []),
];
