/**
 * The built pages declare French (pipelines/site/finish/document-language.ts): Evidence's shell
 * writes `<html lang="en">` on every page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { declareFrench } from '../pipelines/site/finish/document-language.js';
import { tempDir } from './helpers/load.js';

describe('the pages declare French', () => {
  it('sets lang="fr" on the shell of every page, and nothing else', () => {
    const dir = tempDir('bi-lang-');
    fs.mkdirSync(path.join(dir, 'sellers'));
    const page = (body: string) => `<!doctype html>\n<html lang="en">\n\t<head></head>\n\t<body>${body}</body>\n</html>\n`;
    fs.writeFileSync(path.join(dir, 'index.html'), page('<p lang="en">Pipeline</p>'));
    fs.writeFileSync(path.join(dir, 'sellers', 'S001.html'), page('Fiche'));
    fs.writeFileSync(path.join(dir, 'manifest.json'), '{"lang":"en"}');
    expect(declareFrench(dir)).toBe(2);
    expect(fs.readFileSync(path.join(dir, 'index.html'), 'utf8')).toBe(page('<p lang="en">Pipeline</p>').replace('<html lang="en">', '<html lang="fr">'));
    expect(fs.readFileSync(path.join(dir, 'sellers', 'S001.html'), 'utf8')).toContain('<html lang="fr">');
    expect(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).toBe('{"lang":"en"}');
    // Once French, left as is.
    expect(declareFrench(dir)).toBe(0);
  });
});
