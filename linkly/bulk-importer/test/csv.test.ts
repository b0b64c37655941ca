import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type CsvRecord, csvRecords } from '../src/csv.ts';

/** Parse `text` fed in pieces of `size` bytes (so rows, quotes and UTF-8 characters get split). */
async function parse(text: string, size = Number.MAX_SAFE_INTEGER): Promise<CsvRecord[]> {
  const bytes = Buffer.from(text);
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  }
  const out: CsvRecord[] = [];
  for await (const record of csvRecords(chunks())) out.push(record);
  return out;
}

it('csv: rows with LF or CRLF, blank lines skipped, last line without newline, line numbers kept', async () => {
  const text = 'code,url\r\nabc,https://a.example\r\n\r\n  \ndef,https://b.example\nlast,https://c.example';
  const want = [
    { line: 1, fields: ['code', 'url'] },
    { line: 2, fields: ['abc', 'https://a.example'] },
    { line: 5, fields: ['def', 'https://b.example'] },
    { line: 6, fields: ['last', 'https://c.example'] },
  ];
  assert.deepEqual(await parse(text), want);
  for (const size of [1, 2, 3, 7]) assert.deepEqual(await parse(text, size), want, `chunks of ${size} bytes`);
});

it('csv: quoted fields keep commas, doubled quotes and newlines, whatever the chunking', async () => {
  const text = 'code,url\n"q1","https://x.example/?a=1,2"\n"say ""hi""",url\n"multi\nline",https://y.example\n"",empty\n';
  const want = [
    { line: 1, fields: ['code', 'url'] },
    { line: 2, fields: ['q1', 'https://x.example/?a=1,2'] },
    { line: 3, fields: ['say "hi"', 'url'] },
    { line: 4, fields: ['multi\nline', 'https://y.example'] },
    { line: 6, fields: ['', 'empty'] },
  ];
  for (const size of [1, 2, 5, 1000]) assert.deepEqual(await parse(text, size), want, `chunks of ${size} bytes`);
});

it('csv: a multi-byte character split across chunks survives', async () => {
  const text = 'code,url\nétoile,https://ü.example/✓\n';
  for (const size of [1, 2, 3]) {
    assert.deepEqual((await parse(text, size))[1], { line: 2, fields: ['étoile', 'https://ü.example/✓'] });
  }
});

it('csv: an unterminated quote ends the record at end of input', async () => {
  assert.deepEqual(await parse('a,"open\nstill'), [{ line: 1, fields: ['a', 'open\nstill'] }]);
  assert.deepEqual(await parse('a,"closed"'), [{ line: 1, fields: ['a', 'closed'] }]);
  assert.deepEqual(await parse(''), []);
});

it('csv: line numbers stay right with CRLF inside quotes and an open quote after blank lines', async () => {
  for (const size of [1, 2, 3, 1000]) {
    assert.deepEqual(
      await parse('x,y\r\n"a\r\nb",c\r\nd,e\r\n', size),
      [
        { line: 1, fields: ['x', 'y'] },
        { line: 2, fields: ['a\nb', 'c'] },
        { line: 4, fields: ['d', 'e'] },
      ],
      `chunks of ${size} bytes`,
    );
    assert.deepEqual(
      await parse('x,y\r\n\r\na,"open\r\nmore', size),
      [
        { line: 1, fields: ['x', 'y'] },
        { line: 3, fields: ['a', 'open\nmore'] },
      ],
      `chunks of ${size} bytes`,
    );
  }
});

it('csv: a failing source fails the reading', async () => {
  async function* broken(): AsyncGenerator<Buffer> {
    yield Buffer.from('code,url\nabc,https://a.example\n');
    throw new Error('channel closed');
  }
  const read: CsvRecord[] = [];
  await assert.rejects(async () => {
    for await (const record of csvRecords(broken())) read.push(record);
  }, /channel closed/);
});
