import { writeRunReport } from './reports/index.ts';
const t0 = performance.now();
const r = await writeRunReport(process.argv[2]!);
console.log(((performance.now() - t0) / 1000).toFixed(2), 's', r);
