import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type OptionSpec, parseArgs } from './args.ts';
import { CliError } from './output/cli-error.ts';

const specs: OptionSpec[] = [
  { name: 'port', short: 'p', type: 'string', value: '<port>', description: 'port' },
  { name: 'force', short: 'f', type: 'boolean', description: 'force' },
  { name: 'yes', short: 'y', type: 'boolean', description: 'yes' },
];

function badArgs(argv: string[], message: RegExp, hint?: RegExp): void {
  assert.throws(
    () => parseArgs(argv, specs),
    (err: unknown) =>
      err instanceof CliError && err.code === 'E_CLI_BAD_ARGS' && message.test(err.message) && (!hint || hint.test(err.hint ?? '')),
  );
}

test('string options take the next word or an inline value; the last one wins', () => {
  assert.deepEqual(parseArgs(['--port', '3000', 'fn', 'a=1'], specs), { options: { port: '3000' }, positionals: ['fn', 'a=1'] });
  assert.deepEqual(parseArgs(['--port=80', '-p', '81'], specs).options, { port: '81' });
  assert.deepEqual(parseArgs(['-p=82'], specs).options, { port: '82' });
  assert.deepEqual(parseArgs(['-p83'], specs).options, { port: '83' });
  assert.deepEqual(parseArgs(['--port', '--force'], specs).options, { port: '--force' });
  assert.deepEqual(parseArgs(['-p='], specs).options, { port: '' });
});

test('booleans, short groups and --help', () => {
  assert.deepEqual(parseArgs(['a', '--force', 'b'], specs), { options: { force: true }, positionals: ['a', 'b'] });
  assert.deepEqual(parseArgs(['-fy'], specs).options, { force: true, yes: true });
  assert.deepEqual(parseArgs(['-h'], specs).options, { help: true });
});

test('negative numbers, `-` and everything after `--` are words', () => {
  assert.deepEqual(parseArgs(['-5', '-12', 'x', '-3.5', '-'], specs).positionals, ['-5', '-12', 'x', '-3.5', '-']);
  assert.deepEqual(parseArgs(['--port', '-1'], specs).options, { port: '-1' });
  assert.deepEqual(parseArgs(['--', '--force', '-x'], specs), { options: {}, positionals: ['--force', '-x'] });
});

test('unknown options, values on booleans and missing values are E_CLI_BAD_ARGS, quoting what was typed', () => {
  badArgs(['--bogus=1'], /^unknown option `--bogus=1`$/, /^known options: --port, --force, --yes, --help$/);
  badArgs(['-x'], /^unknown option `-x`$/);
  badArgs(['-fx'], /^unknown option `-fx`$/);
  badArgs(['--force=1'], /^option --force takes no value \(got `--force=1`\)$/);
  badArgs(['-f=1'], /^option --force takes no value \(got `-f=1`\)$/);
  badArgs(['--port'], /^option --port needs a value$/, /^e\.g\. --port <port>$/);
});
