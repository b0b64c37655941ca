import assert from 'node:assert/strict';
import { it } from 'node:test';
import { CsvParser, type CsvRecord } from '../src/csv.ts';

/** Parse `text` fed in pieces of `size` bytes (so rows, quotes and UTF-8 characters get split). */
function parse(text: string, size = Number.MAX_SAFE_INTEGER): CsvRecord[] {
  const bytes = Buffer.from(text);
  const parser = new CsvParser();
  const out: CsvRecord[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...parser.push(bytes.subarray(i, i + size)));
  out.push(...parser.end());
  return out;
}

it('csv: rows with LF or CRLF, blank lines skipped, last line without newline, line numbers kept', () => {
  const text = 'code,url\r\nabc,https://a.example\r\n\r\n  \ndef,https://b.example\nlast,https://c.example';
  const want = [
    { line: 1, fields: ['code', 'url'] },
    { line: 2, fields: ['abc', 'https://a.example'] },
    { line: 5, fields: ['def', 'https://b.example'] },
    { line: 6, fields: ['last', 'https://c.example'] },
  ];
  assert.deepEqual(parse(text), want);
  for (const size of [1, 2, 3, 7]) assert.deepEqual(parse(text, size), want, `chunks of ${size} bytes`);
});

it('csv: quoted fields keep commas, doubled quotes and newlines, whatever the chunking', () => {
  const text = 'code,url\n"q1","https://x.example/?a=1,2"\n"say ""hi""",url\n"multi\nline",https://y.example\n"",empty\n';
  const want = [
    { line: 1, fields: ['code', 'url'] },
    { line: 2, fields: ['q1', 'https://x.example/?a=1,2'] },
    { line: 3, fields: ['say "hi"', 'url'] },
    { line: 4, fields: ['multi\nline', 'https://y.example'] },
    { line: 6, fields: ['', 'empty'] },
  ];
  for (const size of [1, 2, 5, 1000]) assert.deepEqual(parse(text, size), want, `chunks of ${size} bytes`);
});

it('csv: a multi-byte character split across chunks survives', () => {
  const text = 'code,url\nétoile,https://ü.example/✓\n';
  for (const size of [1, 2, 3]) {
    assert.deepEqual(parse(text, size)[1], { line: 2, fields: ['étoile', 'https://ü.example/✓'] });
  }
});

it('csv: an unterminated quote ends the record at end of input', () => {
  assert.deepEqual(parse('a,"open\nstill'), [{ line: 1, fields: ['a', 'open\nstill'] }]);
  assert.deepEqual(parse('a,"closed"'), [{ line: 1, fields: ['a', 'closed'] }]);
  assert.deepEqual(parse(''), []);
});
