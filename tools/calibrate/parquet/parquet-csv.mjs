// Writes one Parquet table as CSV (a header line, then one line per row;
// numbers as JavaScript prints them). Usage: node parquet-csv.mjs IN.parquet OUT.csv
import fs from 'node:fs';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node parquet-csv.mjs IN.parquet OUT.csv');
  process.exit(2);
}
const bytes = fs.readFileSync(input);
const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
const rows = await parquetReadObjects({ file, compressors });
if (rows.length === 0) {
  console.error(`${input}: no rows`);
  process.exit(1);
}
const columns = Object.keys(rows[0]);
const cell = (v) => {
  const text = typeof v === 'bigint' ? v.toString() : String(v);
  if (/[",\n]/.test(text)) throw new Error(`${input}: a cell needs quoting (${text}); fleetlab reads unquoted CSV`);
  return text;
};
const lines = [columns.join(',')];
for (const r of rows) lines.push(columns.map((c) => cell(r[c])).join(','));
fs.writeFileSync(output, lines.join('\n') + '\n');
