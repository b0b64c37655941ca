import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { it } from 'node:test';
import { columns, createHandlers, MAX_REPORTED_FAILURES, refusal } from '../src/handlers.ts';

/** A stand-in for link::create with the real worker's refusals for taken codes and bad URLs. */
function fakeLinks() {
  const links = new Map<string, string>();
  let n = 0;
  return {
    links,
    async createLink(row: { url: string; code?: string }) {
      const code = row.code ?? `rand${n++}`;
      if (!/^https?:\/\//.test(row.url)) throw new Error('[E_LINK_INVALID_URL] only http and https URLs can be shortened');
      if (links.has(code)) throw new Error(`[E_LINK_CODE_TAKEN] code "${code}" is already taken`);
      links.set(code, row.url);
      return { code, url: row.url };
    },
  };
}

/** The reader the SDK hands the handler: `{stream}` yielding Buffer chunks. */
function reader(chunks: string[]) {
  return { reader: { stream: Readable.from(chunks.map((c) => Buffer.from(c))) } };
}

it('import_csv creates a link per row and reports refused rows without stopping', async () => {
  const fake = fakeLinks();
  const importer = createHandlers(fake);
  const result = await importer.importCsv(
    reader([
      'code,url\r\na,https://a.exa',
      'mple\r\nbad,javascript:alert(1)\r\n',
      'a,https://again.example\r\n,https://random.example\r\nz,https://z.example',
    ]),
  );
  assert.deepEqual(result, {
    imported: 3,
    failed: [
      { line: 3, code: 'bad', error: '[E_LINK_INVALID_URL] only http and https URLs can be shortened' },
      { line: 4, code: 'a', error: '[E_LINK_CODE_TAKEN] code "a" is already taken' },
    ],
    failed_count: 2,
  });
  assert.deepEqual(
    [...fake.links],
    [
      ['a', 'https://a.example'],
      ['rand0', 'https://random.example'],
      ['z', 'https://z.example'],
    ],
  );
});

it('import_csv follows a header that names its columns, and only the header means nothing imported', async () => {
  const fake = fakeLinks();
  const importer = createHandlers(fake);
  assert.deepEqual(await importer.importCsv(reader(['URL , Code\nhttps://x.example,x\n'])), { imported: 1, failed: [], failed_count: 0 });
  assert.equal(fake.links.get('x'), 'https://x.example');
  assert.deepEqual(await importer.importCsv(reader(['code,url\n'])), { imported: 0, failed: [], failed_count: 0 });
  assert.deepEqual(columns(['short', 'long']), { code: 0, url: 1 });
});

it('import_csv caps the reported failures but counts them all', async () => {
  const rows = Array.from({ length: MAX_REPORTED_FAILURES + 5 }, (_, i) => `c${i},ftp://nope`).join('\n');
  const result = await createHandlers(fakeLinks()).importCsv(reader([`code,url\n${rows}`]));
  assert.equal(result.imported, 0);
  assert.equal(result.failed.length, MAX_REPORTED_FAILURES);
  assert.deepEqual(
    result.failed.map((f) => f.line),
    Array.from({ length: MAX_REPORTED_FAILURES }, (_, i) => i + 2),
    'the earliest lines, in order',
  );
  assert.equal(result.failed_count, MAX_REPORTED_FAILURES + 5);
});

it('import_csv refuses input without a channel reader with a coded error', async () => {
  const importer = createHandlers(fakeLinks());
  for (const input of [undefined, {}, { reader: null }, { reader: { stream: 'x' } }]) {
    await assert.rejects(importer.importCsv(input), /^Error: \[E_BULK_NO_READER\]/);
  }
});

it('refusal keeps the coded message of an error that crossed the engine', () => {
  assert.equal(
    refusal(new Error('invocation_failed: [E_LINK_CODE_TAKEN] code "a" is already taken')),
    '[E_LINK_CODE_TAKEN] code "a" is already taken',
  );
  assert.equal(refusal(new Error('timeout')), 'timeout');
  assert.equal(refusal('plain'), 'plain');
});

it('import_csv runs rows side by side, but a repeated code waits for its first row, which wins', async () => {
  const fake = fakeLinks();
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const started: string[] = [];
  let cStarted = () => {};
  const cStart = new Promise<void>((resolve) => (cStarted = resolve));
  const importer = createHandlers({
    async createLink(row) {
      started.push(row.code ?? '');
      if (row.code === 'c') cStarted();
      if (started.length === 1) await gate; // the first `a` is slow
      return fake.createLink(row);
    },
  });
  const done = importer.importCsv(
    reader(['code,url\na,https://first.example\nb,https://b.example\na,https://second.example\nc,https://c.example\n']),
  );
  // b and c go ahead while the first a is still running; the second a has not started.
  await cStart;
  assert.deepEqual(started, ['a', 'b', 'c']);
  release();
  const result = await done;
  assert.equal(result.imported, 3);
  assert.deepEqual(result.failed, [{ line: 4, code: 'a', error: '[E_LINK_CODE_TAKEN] code "a" is already taken' }]);
  assert.equal(fake.links.get('a'), 'https://first.example');
});

it('import_csv sends {rows, imported, refused} on the progress channel, the final counts last, then closes it', async () => {
  const messages: string[] = [];
  let closed = false;
  const progress = {
    sendMessage: (text: string) => messages.push(text),
    close: () => {
      closed = true;
    },
  };
  const result = await createHandlers(fakeLinks()).importCsv({
    ...reader(['code,url\na,https://a.example\nb,ftp://no\n\nc,https://c.example']),
    progress,
  });
  assert.equal(result.imported, 2);
  assert.ok(messages.length >= 2, 'the first rows and the end');
  assert.deepEqual(JSON.parse(messages.at(-1) ?? ''), { rows: 3, imported: 2, refused: 1 });
  assert.equal(closed, true);
  await assert.rejects(
    createHandlers(fakeLinks()).importCsv({ ...reader(['code,url\n']), progress: 'yes' }),
    /^Error: \[E_BULK_BAD_PROGRESS\]/,
  );
});
