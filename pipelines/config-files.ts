/**
 * Reading the user's YAML configuration files (extracts.yaml, kpi-settings.yaml, publish.yaml,
 * mapping overrides): one way to parse and validate them, and one way to tell a mistake — each
 * problem on one line with the file, the line, the key and what is expected, never a stack trace.
 */
import fs from 'node:fs';
import YAML, { LineCounter } from 'yaml';
import { z } from 'zod';

/** A mistake in a configuration file the user wrote: shown as it is, in one line per problem. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A parsed YAML file, with where each of its nodes starts. */
export interface YamlFile {
  file: string;
  doc: YAML.Document;
  counter: LineCounter;
}

/** The line of the YAML node a key path points at (or of its nearest parent that exists). */
export const lineOf = (yaml: YamlFile, keyPath: readonly PropertyKey[]): number => {
  for (let n = keyPath.length; n >= 0; n--) {
    const node = yaml.doc.getIn(keyPath.slice(0, n) as (string | number)[], true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return yaml.counter.linePos(node.range[0]).line;
  }
  return 1;
};

/** `file:line: key: message` for a problem at `keyPath`. */
export const problemAt = (yaml: YamlFile, keyPath: readonly PropertyKey[], message: string) =>
  `${yaml.file}:${lineOf(yaml, keyPath)}: ${keyPath.length ? `${keyPath.join('.')}: ` : ''}${message}`;

/** Parses a YAML file; a syntax error is a ConfigError naming the file and line. */
export const parseYamlFile = (file: string, what: string): YamlFile => {
  const counter = new LineCounter();
  const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'), { lineCounter: counter });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new ConfigError(`${what} ${file}:${e.linePos?.[0].line ?? 1}: not valid YAML: ${e.message.split('\n')[0]}`);
  }
  return { file, doc, counter };
};

/**
 * Validates a parsed file with its zod schema; every problem becomes one line naming the file, the
 * line and the key (`extracts.yaml:4: csv.dateFormats.0: …`).
 */
export const validateYaml = <S extends z.ZodType>(yaml: YamlFile, schema: S, what: string): { data: z.output<S>; raw: unknown } => {
  const raw = yaml.doc.toJS() ?? {};
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${problemAt(yaml, i.path, i.message)}`);
    throw new ConfigError(`${what} ${yaml.file} is invalid:\n${lines.join('\n')}`);
  }
  return { data: parsed.data, raw };
};
