/**
 * Writes the sample extracts: `npx tsx pipelines/sample/cli.ts --out DIR [--scale N] [--seed N] [--format csv|parquet] [--export-date YYYY-MM-DD]`.
 * `--export-date`: the company as exported at the end of that day (pipelines/load/point-in-time.ts).
 * Progress goes to stderr; the row counts per extract and the elapsed time go to stdout.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { generateSample } from './generate.js';

const Args = z.object({
  out: z.string({ error: '--out DIR is required' }).min(1, '--out DIR is required'),
  scale: z.coerce.number().positive().finite().default(1),
  seed: z.coerce.number().int().nonnegative().max(2 ** 53).default(42),
  format: z.enum(['csv', 'parquet']).default('csv'),
  threads: z.coerce.number().int().positive().optional(),
  exportDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '--export-date must be written YYYY-MM-DD').optional(),
});

const usage = 'usage: npx tsx pipelines/sample/cli.ts --out DIR [--scale N] [--seed N] [--format csv|parquet] [--threads N] [--export-date YYYY-MM-DD]';

async function main() {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      options: {
        out: { type: 'string' },
        scale: { type: 'string' },
        seed: { type: 'string' },
        format: { type: 'string' },
        threads: { type: 'string' },
        'export-date': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  const parsed = Args.safeParse({ ...values, exportDate: values['export-date'] });
  if (!parsed.success) {
    console.error(`${z.prettifyError(parsed.error)}\n${usage}`);
    process.exit(2);
  }
  const args = parsed.data;
  const started = performance.now();
  const counts = await generateSample({
    outDir: args.out,
    scale: args.scale,
    seed: args.seed,
    format: args.format,
    threads: args.threads,
    exportDate: args.exportDate,
    log: (message) => console.error(message),
  });
  const width = Math.max(...Object.keys(counts).map((name) => name.length));
  for (const [name, rows] of Object.entries(counts)) console.log(`${name.padEnd(width)}  ${rows.toLocaleString('en-US').padStart(12)}`);
  console.log(`${args.format} files in ${args.out} (scale ${args.scale}, seed ${args.seed}${args.exportDate ? `, as exported on ${args.exportDate}` : ''}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
