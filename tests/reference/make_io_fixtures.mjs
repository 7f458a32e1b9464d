// Generates the small Parquet and Arrow IPC files under tests/NetLearn.Core.Tests/Fixtures/io/ with implementations
// other than the ones NetLearn uses (hyparquet-writer for Parquet, the JavaScript Apache Arrow library for Arrow), so the
// tests check that NetLearn reads files it did not write itself. Debian 12 has no python3-pyarrow package, hence Node.
//
// Usage (from the repository root):
//   npm install --prefix /tmp/io-fixtures apache-arrow@21.2.0 hyparquet-writer@0.17.0
//   node tests/reference/make_io_fixtures.mjs /tmp/io-fixtures
//
// The expected values are repeated in tests/NetLearn.Core.Tests/Data/IO/ParquetFormatTests.cs and ArrowFormatTests.cs;
// change both together.
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const modules = process.argv[2] ?? '/tmp/io-fixtures';
const require = createRequire(join(modules, 'package.json'));
const load = name => import(pathToFileURL(require.resolve(name)).href);
const arrow = await load('apache-arrow');
const { parquetWriteBuffer } = await load('hyparquet-writer');

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'NetLearn.Core.Tests', 'Fixtures', 'io');
mkdirSync(out, { recursive: true });

// Six rows; every column but `req` has one missing value.
const f64 = [1.5, null, -2.25, 1e300, 0, 3];
const i32 = [1, 2, null, -4, 5, 2147483647];
const i64 = [10n, null, 30n, -40n, 50n, 9007199254740992n];
const f32 = [0.5, 1.25, null, -8, 3.75, 0.125];
const i16 = [-32768, 1, 2, null, 4, 32767];
const u8 = [0, 255, 7, 8, null, 9];
const flag = [true, false, null, true, true, false];
const when = [
  new Date(Date.UTC(2024, 0, 31, 12, 30, 15, 250)),
  new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 0)),
  new Date(Date.UTC(1970, 0, 1, 0, 0, 0, 0)),
  null,
  new Date(Date.UTC(2000, 1, 29, 6, 0, 0, 1)),
  new Date(Date.UTC(1960, 5, 15, 0, 0, 0, 0)),
];
const day = [
  new Date(Date.UTC(2024, 0, 31)), null, new Date(Date.UTC(1970, 0, 1)),
  new Date(Date.UTC(2000, 1, 29)), new Date(Date.UTC(1969, 11, 31)), new Date(Date.UTC(2038, 0, 19)),
];
const city = ['paris', 'oslo', 'paris', null, 'oslo', 'paris'];
const note = ['first note', 'second', null, 'fourth, with comma', 'fifth "quoted"', 'sixth ünïcödé'];
const req = [1, 2, 3, 4, 5, 6];

// ---- Parquet: two row groups (4 + 2 rows), snappy compression (the writer's default).
const parquet = parquetWriteBuffer({
  columnData: [
    { name: 'f64', data: f64 },
    { name: 'i32', data: i32 },
    { name: 'i64', data: i64 },
    { name: 'f32', data: f32 },
    { name: 'i16', data: i16 },
    { name: 'u8', data: u8 },
    { name: 'flag', data: flag },
    { name: 'when', data: when },
    { name: 'day', data: day },
    { name: 'city', data: city },
    { name: 'note', data: note },
    { name: 'req', data: req, nullable: false },
  ],
  schema: [
    { name: 'root', num_children: 12 },
    { name: 'f64', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
    { name: 'i32', type: 'INT32', repetition_type: 'OPTIONAL' },
    { name: 'i64', type: 'INT64', repetition_type: 'OPTIONAL' },
    { name: 'f32', type: 'FLOAT', repetition_type: 'OPTIONAL' },
    { name: 'i16', type: 'INT32', repetition_type: 'OPTIONAL', converted_type: 'INT_16', logical_type: { type: 'INTEGER', bitWidth: 16, isSigned: true } },
    { name: 'u8', type: 'INT32', repetition_type: 'OPTIONAL', converted_type: 'UINT_8', logical_type: { type: 'INTEGER', bitWidth: 8, isSigned: false } },
    { name: 'flag', type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
    { name: 'when', type: 'INT64', repetition_type: 'OPTIONAL', converted_type: 'TIMESTAMP_MICROS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' } },
    { name: 'day', type: 'INT32', repetition_type: 'OPTIONAL', converted_type: 'DATE', logical_type: { type: 'DATE' } },
    { name: 'city', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8', logical_type: { type: 'STRING' } },
    { name: 'note', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8', logical_type: { type: 'STRING' } },
    { name: 'req', type: 'DOUBLE', repetition_type: 'REQUIRED' },
  ],
  rowGroupSize: 4,
  createdBy: 'hyparquet-writer 0.17.0 (NetLearn fixture)',
});
writeFileSync(join(out, 'reference.parquet'), new Uint8Array(parquet));

// ---- Arrow: two record batches (4 + 2 rows); `city` is dictionary-encoded (utf8 values, int32 indices).
const { Table, RecordBatch, Schema, Field, makeData, vectorFromArray, tableToIPC } = arrow;
const types = {
  f64: new arrow.Float64(),
  i32: new arrow.Int32(),
  i64: new arrow.Int64(),
  f32: new arrow.Float32(),
  i16: new arrow.Int16(),
  u8: new arrow.Uint8(),
  flag: new arrow.Bool(),
  when: new arrow.TimestampMicrosecond('UTC'),
  day: new arrow.DateDay(),
  city: new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()),
  note: new arrow.Utf8(),
  req: new arrow.Float64(),
};
const columns = { f64, i32, i64, f32, i16, u8, flag, when, day, city, note, req };
const schema = new Schema(Object.entries(types).map(([name, type]) => new Field(name, type, name !== 'req')));

// Dictionary-encoded `city` with an explicit dictionary (deliberately not in sorted order).
// Batches that share a dictionary must share the same vector object, or the writer sees a replacement.
const dictionaries = new Map();
function dictionaryData(values, levels) {
  const key = levels.join('\u0000');
  if (!dictionaries.has(key)) {
    dictionaries.set(key, vectorFromArray(levels, new arrow.Utf8()));
  }

  const dictionary = dictionaries.get(key);
  const indices = vectorFromArray(values.map(v => (v === null ? null : levels.indexOf(v))), new arrow.Int32()).data[0];
  return makeData({ type: types.city, length: indices.length, nullCount: indices.nullCount, nullBitmap: indices.nullBitmap, data: indices.values, dictionary });
}

function batch(from, to, levels) {
  const children = Object.keys(types).map(name => {
    const values = columns[name].slice(from, to);
    if (name === 'city') {
      return dictionaryData(values, levels);
    }

    if (name === 'when') {
      // JavaScript Dates are milliseconds; the column holds UTC microseconds.
      const micros = vectorFromArray(values.map(d => (d === null ? null : BigInt(d.getTime()) * 1000n)), new arrow.Int64()).data[0];
      return makeData({ type: types.when, length: micros.length, nullCount: micros.nullCount, nullBitmap: micros.nullBitmap, data: micros.values });
    }

    return vectorFromArray(values, types[name]).data[0];
  });
  const struct = makeData({ type: new arrow.Struct(schema.fields), length: to - from, nullCount: 0, children });
  return new RecordBatch(schema, struct);
}

// The file format allows one dictionary per column for the whole file; the stream format also allows a batch to
// replace it, which the stream fixture does (the second batch lists the levels the other way round).
writeFileSync(join(out, 'reference.arrow'), tableToIPC(new Table(schema, [batch(0, 4, ['paris', 'oslo']), batch(4, 6, ['paris', 'oslo'])]), 'file'));
writeFileSync(join(out, 'reference_stream.arrows'), tableToIPC(new Table(schema, [batch(0, 4, ['paris', 'oslo']), batch(4, 6, ['oslo', 'paris'])]), 'stream'));
console.log(`wrote reference.parquet, reference.arrow, reference_stream.arrows to ${out}`);
