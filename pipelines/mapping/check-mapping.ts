/**
 * The checks of a mapping file that need the contract: target columns exist, required columns
 * are mapped, mapped values are accepted values, options fit the column's type. Each problem is
 * returned with its key path so the message can point at the line to fix.
 */
import { extractByName } from '../contract/index.js';
import { columnsOf, type ColumnSpec as ContractColumn } from '../contract/derive.js';
import { partsOf, type ColumnSpec, type MappingFile, type Part, type Source } from './schema.js';

export interface Problem {
  path: string;
  message: string;
}

const isNumeric = (c: ContractColumn) => /DOUBLE|DECIMAL|BIGINT/.test(c.duckdbType);
const isTemporal = (c: ContractColumn) => c.duckdbType === 'DATE' || c.duckdbType === 'TIMESTAMP';

const checkColumn = (path: string, spec: ColumnSpec, column: ContractColumn, problems: Problem[]) => {
  if (typeof spec === 'string') return;
  const given = (['column', 'sql', 'value'] as const).filter((k) => spec[k] !== undefined);
  if (given.length !== 1) {
    problems.push({ path, message: given.length === 0
      ? 'say where the value comes from: column: (a source column), sql: (an expression) or value: (a constant)'
      : `give only one of column:, sql:, value: (got ${given.join(', ')})` });
  }
  if (spec.values && column.enumValues) {
    for (const [from, to] of Object.entries(spec.values)) {
      if (to !== null && !column.enumValues.includes(String(to))) {
        problems.push({ path: `${path}.values.${from}`, message: `"${to}" is not an accepted value of ${column.name} (expected one of: ${column.enumValues.join(', ')})` });
      }
    }
  }
  if (spec.value !== undefined && spec.value !== null && column.enumValues && !column.enumValues.includes(String(spec.value))) {
    problems.push({ path: `${path}.value`, message: `"${spec.value}" is not an accepted value of ${column.name} (expected one of: ${column.enumValues.join(', ')})` });
  }
  if (spec.format !== undefined && !isTemporal(column)) {
    problems.push({ path: `${path}.format`, message: `format: applies to date and timestamp columns; ${column.name} is ${column.duckdbType}` });
  }
  for (const key of ['decimal', 'multiply', 'divide'] as const) {
    if (spec[key] !== undefined && !isNumeric(column)) {
      problems.push({ path: `${path}.${key}`, message: `${key}: applies to numeric columns; ${column.name} is ${column.duckdbType}` });
    }
  }
  if (spec.unmapped === 'reject' && !spec.values) {
    problems.push({ path: `${path}.unmapped`, message: 'unmapped: reject needs values: (the known values)' });
  }
};

/** Header names that say which currency an amount is in (Currency, CurrencyIsoCode, Amount Currency, Devise…). */
const CURRENCY_HEADER = /currenc|devise|moneda|währung/i;

/** The currency columns a file source declares (required, optional or aliased headers). */
const declaredCurrencyColumns = (source: Source | undefined): string[] => {
  if (!source) return [];
  const names = [...(source.requires ?? []), ...source.optionalColumns, ...Object.keys(source.aliases)];
  return [...new Set(names.filter((n) => CURRENCY_HEADER.test(n)))];
};

/**
 * A money column must not pass as the company's currency when the export says which currency it
 * is in: a part mapping an extract's amount without its currency, over sources with a currency
 * column (declared by the mapping, or found in the files), would sum dollars as euros.
 */
export const missingCurrencyRule = (extract: string, part: Part, currencyColumnsOf: (source: string) => string[]): string | undefined => {
  const definition = extractByName(extract)!;
  if (!definition.money || !definition.currency || !(definition.money.amount in part.columns)) return undefined;
  if (definition.currency.column in part.columns) return undefined;
  // The rows' own source only: a joined lookup's currency (an account's revenue) is another amount's.
  const name = part.from;
  const declared = currencyColumnsOf(name);
  if (!declared.length) return undefined;
  const column = declared[0]!;
  return `${definition.money.amount} is mapped without ${definition.currency.column}, but source "${name}" has a currency column ` +
    `(${declared.join(', ')}): map ${definition.currency.column}: { column: ${column}, optional: true } ` +
    `(or an sql: rule) so amounts in other currencies are converted, never read as the company's currency`;
};

/** The same rule against the headers of the files found (a mapping that does not declare the column). */
export const currencyColumnsIn = (headers: readonly string[]) => headers.filter((h) => CURRENCY_HEADER.test(h));

const checkCurrencyRule = (path: string, extract: string, part: Part, mapping: MappingFile, problems: Problem[]) => {
  const message = missingCurrencyRule(extract, part, (name) => declaredCurrencyColumns(mapping.sources[name]));
  if (message) problems.push({ path: `${path}.columns`, message });
};

const checkPart = (path: string, extract: string, part: Part, mapping: MappingFile, problems: Problem[]) => {
  const sources = new Set(Object.keys(mapping.sources));
  const contract = columnsOf(extractByName(extract)!);
  if (!sources.has(part.from)) {
    problems.push({ path: `${path}.from`, message: `unknown source "${part.from}" (sources: ${[...sources].join(', ')})` });
  }
  part.join.forEach((j, i) => {
    if (!sources.has(j.source)) problems.push({ path: `${path}.join.${i}.source`, message: `unknown source "${j.source}" (sources: ${[...sources].join(', ')})` });
  });
  for (const [name, spec] of Object.entries(part.columns)) {
    const column = contract.find((c) => c.name === name);
    if (!column) {
      problems.push({ path: `${path}.columns.${name}`, message: `not a column of ${extract} (columns: ${contract.map((c) => c.name).join(', ')})` });
      continue;
    }
    checkColumn(`${path}.columns.${name}`, spec, column, problems);
  }
  const missing = contract.filter((c) => c.required && !(c.name in part.columns)).map((c) => c.name);
  if (missing.length) {
    problems.push({ path: `${path}.columns`, message: `required column(s) of ${extract} not mapped: ${missing.join(', ')} (map them from the source, or give a constant with value:)` });
  }
  checkCurrencyRule(path, extract, part, mapping, problems);
  part.reject.forEach((r, i) => {
    if (!contract.some((c) => c.name === r.column)) {
      problems.push({ path: `${path}.reject.${i}.column`, message: `not a column of ${extract} (columns: ${contract.map((c) => c.name).join(', ')})` });
    }
  });
};

/** Every contract problem of a parsed mapping, with key paths. */
export const checkMapping = (mapping: MappingFile): Problem[] => {
  const problems: Problem[] = [];
  for (const [extract, spec] of Object.entries(mapping.extracts)) {
    if (!spec) continue;
    const parts = partsOf(spec);
    parts.forEach((part, i) => checkPart(spec.parts ? `extracts.${extract}.parts.${i}` : `extracts.${extract}`, extract, part, mapping, problems));
  }
  for (const [i, name] of mapping.notProvided.entries()) {
    if (mapping.extracts[name as keyof MappingFile['extracts']]) {
      problems.push({ path: `notProvided.${i}`, message: `"${name}" is listed as not provided but is mapped under extracts:` });
    }
  }
  return problems;
};
