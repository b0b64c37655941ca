/**
 * Linkly ch. 6 end to end: a CSV streamed through a real channel (iii-sdk `createChannel`) to the
 * bulk-importer worker that `iii` supervises, which calls link::create per row. Bad rows come back in
 * `failed` while the rest import, and imported codes redirect. Also runs the tutorial's client script.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createChannel } from 'iii-sdk/helpers';
import { uniqueName } from '../helpers/names.ts';
import { connect, createLink, follow, type Linkly, REPO, startLinkly } from './linkly-harness.ts';

interface ImportResult {
  imported: number;
  failed: { line: number; code: string; error: string }[];
  failed_count: number;
}

/** ~2,000 rows with CRLF and LF, a blank line, a quoted row and four rows link::create must refuse. */
function buildCsv(prefix: string, taken: string) {
  const lines = ['code,url'];
  const good: { code: string; url: string }[] = [];
  const bad: { line: number; code: string; error: RegExp }[] = [];
  const row = (text: string) => lines.push(text) && lines.length;
  for (let i = 0; i < 2000; i++) {
    const code = `${prefix}-${i}`;
    const url = `https://example.com/${prefix}/${i}`;
    row(`${code},${url}`);
    good.push({ code, url });
    if (i === 10) bad.push({ line: row(`${prefix}-js,javascript:alert(1)`), code: `${prefix}-js`, error: /E_LINK_INVALID_URL/ });
    if (i === 500) bad.push({ line: row(`${prefix}-3,https://dup.example`), code: `${prefix}-3`, error: /E_LINK_CODE_TAKEN/ });
    if (i === 900) bad.push({ line: row(`${taken},https://taken.example`), code: taken, error: /E_LINK_CODE_TAKEN/ });
    if (i === 1500) bad.push({ line: row('bad code!,https://x.example'), code: 'bad code!', error: /E_LINK_INVALID_CODE/ });
    if (i === 1000) row('');
  }
  const quoted = { code: `${prefix}-q`, url: 'https://example.com/?a=1,2' };
  row(`"${quoted.code}","${quoted.url}"`);
  good.push(quoted);
  // CRLF for the first half, LF for the rest, no newline at the very end.
  const half = Math.floor(lines.length / 2);
  const text = `${lines.slice(0, half).join('\r\n')}\r\n${lines.slice(half).join('\n')}`;
  return { text, good, bad };
}

describe('Linkly ch. 6: bulk import through a channel', () => {
  let app: Linkly;
  before(async () => {
    app = await startLinkly();
  });
  after(async () => {
    await app?.stop();
    app?.remove();
  });

  it('imports ~2,000 rows streamed in odd-sized chunks, reports the refused rows, and the codes redirect', async () => {
    const prefix = uniqueName('bulk');
    const taken = `${prefix}-taken`;
    assert.equal((await createLink(app, { url: 'https://first.example', code: taken })).status, 201);
    const { text, good, bad } = buildCsv(prefix, taken);
    const worker = connect(app);
    try {
      const channel = await createChannel(worker);
      // 997-byte chunks split rows, CRLF pairs and quoted fields across channel frames.
      const bytes = Buffer.from(text);
      for (let i = 0; i < bytes.length; i += 997) channel.writer.stream.write(bytes.subarray(i, i + 997));
      channel.writer.stream.end();
      const result = (await worker.trigger({
        function_id: 'bulk-importer::import_csv',
        payload: { reader: channel.readerRef },
        timeoutMs: 120_000,
      })) as ImportResult;

      assert.equal(result.imported, good.length, JSON.stringify(result.failed));
      assert.equal(result.failed_count, bad.length);
      assert.deepEqual(
        result.failed.map((f) => ({ line: f.line, code: f.code })),
        bad.map((b) => ({ line: b.line, code: b.code })),
      );
      // The refusal as link::create worded it, without the wire's `invocation_failed: ` prefix.
      for (const [i, f] of result.failed.entries()) assert.match(f.error, bad[i]?.error ?? /^$/, f.code);
      for (const f of result.failed) assert.match(f.error, /^\[E_LINK_[A-Z_]+\] /);
    } finally {
      await worker.shutdown();
    }
    // The first, the last, the quoted one, and every 97th in between.
    const sample = good.filter((_, i) => i % 97 === 0 || i >= good.length - 2);
    for (const { code, url } of sample) assert.deepEqual(await follow(app, code), { status: 302, location: url }, code);
    // A refused row did not overwrite the link that held its code.
    assert.deepEqual(await follow(app, taken), { status: 302, location: 'https://first.example' });
    assert.equal((await follow(app, `${prefix}-js`)).status, 404);
  });

  /** Run src/upload.ts on a file; `tty`: under `script`, so its stderr is a pseudo-terminal. */
  function upload(file: string, tty = false): Promise<{ stdout: string; stderr: string }> {
    const node = [process.execPath, '--import', 'tsx', join(app.dir, 'bulk-importer/src/upload.ts'), file];
    const [cmd, args] = tty ? ['script', ['-qefc', node.map((a) => `'${a}'`).join(' '), '/dev/null']] : [node[0] as string, node.slice(1)];
    return new Promise((resolve, reject) => {
      execFile(
        cmd,
        args as string[],
        { cwd: REPO, env: { ...process.env, III_URL: app.engineUrl, OTEL_ENABLED: 'false' }, timeout: 60_000 },
        (err, stdout, stderr) =>
          err ? reject(new Error(`upload.ts failed: ${stderr || stdout || err.message}`)) : resolve({ stdout, stderr }),
      );
    });
  }

  it('the client script (src/upload.ts) uploads a file, shows progress as plain lines off a terminal, and prints the result', async () => {
    const prefix = uniqueName('upload');
    const file = join(app.dir, `${prefix}.csv`);
    writeFileSync(file, `code,url\n${prefix}-a,https://a.example\n${prefix}-b,https://b.example\n`);
    const { stdout, stderr } = await upload(file);
    // The SDK logs its own lines ([iii] …, [OTel] …) to stdout too: the result is the JSON block.
    assert.deepEqual(JSON.parse(stdout.slice(stdout.search(/^\{/m))), { imported: 2, failed: [], failed_count: 0 });
    assert.match(stderr, /^rows sent 2 · imported 2 · refused 0 · [\d,]+ rows\/s \(done\)$/m);
    assert.ok(!stderr.includes('\r') && !stderr.includes('\x1b['), stderr);
    assert.deepEqual(await follow(app, `${prefix}-b`), { status: 302, location: 'https://b.example' });
  });

  it('on a terminal the upload progress is one live line (rows sent, imported, refused, rate)', async () => {
    const prefix = uniqueName('tty');
    const file = join(app.dir, `${prefix}.csv`);
    const rows = Array.from({ length: 300 }, (_, i) => `${prefix}-${i},https://t.example/${i}`);
    writeFileSync(file, `code,url\n${rows.join('\n')}\n${prefix}-bad,ftp://no\n`);
    await upload(file, true).then(
      () => assert.fail('one row was refused: exit 1 expected'),
      (err: Error) => {
        const out = err.message;
        const frames = out.split('\r\x1b[2K');
        assert.ok(frames.length > 2 && frames.slice(1).every((f) => f.startsWith('rows sent ')), out);
        assert.ok(
          frames.some((f) => /^rows sent 301 · imported 300 · refused 1 · [\d,]+ rows\/s \(done\)/.test(f)),
          out,
        );
      },
    );
    assert.deepEqual(await follow(app, `${prefix}-299`), { status: 302, location: 'https://t.example/299' });
  });
});
