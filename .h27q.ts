import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
const [db, ...rest] = process.argv.slice(2);
const inst = await DuckDBInstance.create(db, { access_mode: 'READ_WRITE' });
const c = await inst.connect();
for (const f of rest) {
  const text = f.endsWith('.sql') ? fs.readFileSync(f, 'utf8') : f;
  const r = await c.runAndReadAll(text);
  console.table(r.getRowObjectsJson());
}
