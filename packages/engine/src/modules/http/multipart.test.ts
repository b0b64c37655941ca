/** multipart/form-data bodies as the http worker hands them to workers (busboy underneath). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EngineError } from '../../core/errors/index.ts';
import { MAX_FORM_PARTS, parseMultipart } from './multipart.ts';

const isCode = (code: string) => (e: unknown) => e instanceof EngineError && e.code === code;

/** A body of `parts` (head lines, content) under `boundary`. */
function form(boundary: string, parts: Array<[string, string]>): Buffer {
  return Buffer.from(`${parts.map(([head, content]) => `--${boundary}\r\n${head}\r\n\r\n${content}\r\n`).join('')}--${boundary}--\r\n`);
}

describe('multipart/form-data', () => {
  it('parses multipart fields and files, quoted boundaries and escaped names', async () => {
    const ct = 'multipart/form-data; boundary="b0u nd"';
    const body = Buffer.from(
      '--b0u nd\r\nContent-Disposition: form-data; name="title"\r\n\r\nHi\r\nthere\r\n' +
        '--b0u nd\r\nContent-Disposition: form-data; name="f"; filename="a \\"q\\".txt"\r\nContent-Type: text/plain\r\n\r\nabc\r\n' +
        '--b0u nd--\r\n',
    );
    assert.deepEqual(await parseMultipart(body, ct), {
      title: 'Hi\r\nthere',
      f: { filename: 'a "q".txt', content_type: 'text/plain', size: 3, data_base64: Buffer.from('abc').toString('base64') },
    });
    // The whole quoted value, space included, is the boundary.
    await assert.rejects(parseMultipart(body, 'multipart/form-data; boundary=b0u'), isCode('E_HTTP_BAD_FORM'));
    await assert.rejects(parseMultipart(body, 'multipart/form-data'), isCode('E_HTTP_BAD_FORM'));
  });

  it('refuses truncated and malformed bodies with E_HTTP_BAD_FORM', async () => {
    const ct = 'multipart/form-data; boundary=zzz';
    for (const text of ['--zzz\r\nno end', '--zzz\r\nContent-Disposition: form-data; name="a"\r\n\r\nno closing boundary', '']) {
      await assert.rejects(parseMultipart(Buffer.from(text), ct), isCode('E_HTTP_BAD_FORM'), JSON.stringify(text));
    }
    const nameless = form('zzz', [['Content-Disposition: form-data', 'x']]);
    await assert.rejects(parseMultipart(nameless, ct), isCode('E_HTTP_BAD_FORM'));
  });

  it('keeps the last part of a repeated name, file or field; UTF-8 filenames; large fields are not cut', async () => {
    const big = 'x'.repeat(2 * 1024 * 1024);
    const body = form('b', [
      ['Content-Disposition: form-data; name="a"; filename="first.bin"\r\nContent-Type: application/octet-stream', 'zz'],
      ['Content-Disposition: form-data; name="a"', 'last'],
      ['Content-Disposition: form-data; name="doc"; filename="C:\\\\dir\\\\résumé ✓.pdf"', '%PDF'],
      ['Content-Disposition: form-data; name="big"', big],
    ]);
    const fields = await parseMultipart(body, 'multipart/form-data; boundary=b');
    assert.equal(fields.a, 'last');
    assert.deepEqual(fields.doc, {
      filename: 'résumé ✓.pdf',
      content_type: 'text/plain',
      size: 4,
      data_base64: Buffer.from('%PDF').toString('base64'),
    });
    assert.equal(fields.big, big);
  });

  it(`refuses more than ${MAX_FORM_PARTS} parts with E_HTTP_FORM_LIMIT`, async () => {
    const parts = (n: number) =>
      Array.from({ length: n }, (_, i): [string, string] => [`Content-Disposition: form-data; name="f${i}"`, `${i}`]);
    const ok = await parseMultipart(form('b', parts(MAX_FORM_PARTS)), 'multipart/form-data; boundary=b');
    assert.equal(Object.keys(ok).length, MAX_FORM_PARTS);
    await assert.rejects(
      parseMultipart(form('b', parts(MAX_FORM_PARTS + 1)), 'multipart/form-data; boundary=b'),
      isCode('E_HTTP_FORM_LIMIT'),
    );
  });
});
