import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create('data/warehouse.duckdb', { access_mode: 'READ_ONLY' });
const c = await inst.connect();
const r = await c.runAndReadAll(process.argv[2]);
console.log(r.getRowObjectsJson().map(o=>JSON.stringify(o)).join('\n'));
