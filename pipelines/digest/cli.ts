/**
 * `npx tsx pipelines/digest/cli.ts [--data-dir data]`: (re)writes the digest of the current
 * published release (the build writes it on every publish).
 */
import fs from 'node:fs';
import path from 'node:path';
import { digestRelease } from './release-digest.js';

const i = process.argv.indexOf('--data-dir');
const dataDir = path.resolve(i > 0 ? process.argv[i + 1]! : 'data');
const written = await digestRelease(fs.realpathSync(path.join(dataDir, 'current')), path.join(dataDir, 'releases'));
console.log(`digest: ${written.html}${written.pdf ? ` and ${written.pdf}` : ` (${written.noPdf})`}`);
