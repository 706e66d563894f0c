/**
 * Every page of the site declares the language it is written in: French. Evidence's app shell
 * (its template's `src/app.html`) says `<html lang="en">`, and a project can override its pages and
 * components but not that shell, so the built pages are corrected here, before precompression.
 * Screen readers then read the pages with a French voice, and browsers stop offering to translate.
 */
import fs from 'node:fs';
import path from 'node:path';

const ENGLISH_SHELL = /^(\s*<!doctype html>\s*<html\b[^>]*?\s)lang="en"/i;

/** Sets `lang="fr"` on every page of `buildDir`; returns how many pages were corrected. */
export const declareFrench = (buildDir: string) => {
  let corrected = 0;
  const pages = fs.readdirSync(buildDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.html'));
  for (const entry of pages) {
    const file = path.join(entry.parentPath, entry.name);
    const html = fs.readFileSync(file, 'utf8');
    if (!ENGLISH_SHELL.test(html)) continue;
    fs.writeFileSync(file, html.replace(ENGLISH_SHELL, '$1lang="fr"'));
    corrected++;
  }
  return corrected;
};
