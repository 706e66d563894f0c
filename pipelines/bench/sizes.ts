/** Sizes on disk: the benchmark reports the built site's bytes and the extracts' bytes. */
import fs from 'node:fs';
import path from 'node:path';

/** Total size in bytes of the files under a folder (0 when it does not exist). */
export const folderBytes = (dir: string): number =>
  fs.existsSync(dir)
    ? fs.readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .reduce((sum, e) => sum + fs.statSync(path.join(e.parentPath, e.name)).size, 0)
    : 0;

export const fileBytes = (file: string): number => (fs.existsSync(file) ? fs.statSync(file).size : 0);
