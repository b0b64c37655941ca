import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { parseConfigText } from '../core/config/config-file.ts';
import { interpolateText } from '../core/config/interpolate.ts';
import type { EngineModule } from '../modules/module.ts';
import { pointerComment, type StripTarget, stripConfigBlocks } from './strip-config.ts';

const modules: EngineModule[] = [
  { name: 'http', configSchema: z.strictObject({ port: z.int().default(1), host: z.string().default('h') }), create: () => ({}) },
];

/** Strip every built-in block of `raw` the way startProject does. */
function strip(raw: string, env: Record<string, string> = {}) {
  const parsed = parseConfigText(raw, { modules, env, file: 'config.yaml' });
  const targets: StripTarget[] = parsed.entries.flatMap((e) => (e.configBlock ? [{ id: e.name, block: e.configBlock }] : []));
  return stripConfigBlocks(raw, interpolateText(raw, { env }).split('\n').length, targets, 'config');
}

describe('stripConfigBlocks', () => {
  it('keeps CRLF line endings and flow-style blocks on one line', () => {
    const raw = 'workers:\r\n  - name: http\r\n    config: { port: 2 }\r\n# end\r\n';
    assert.equal(strip(raw).text, `workers:\r\n  - name: http\r\n    ${pointerComment('http', 'config')}\r\n# end\r\n`);
  });

  it('leaves a block that shares its line with the list dash, with a warning', () => {
    const raw = 'workers:\n  - config: { port: 2 }\n    name: http\n';
    const r = strip(raw);
    assert.equal(r.text, raw);
    assert.match(r.warnings[0] ?? '', /line 2: 'http' config block left in place/);
  });

  it('does not strip when an interpolated value spans several lines', () => {
    const raw = 'workers:\n  - name: http\n    config:\n      host: |\n        ${TRIAD_MULTI}\n';
    const r = strip(raw, { TRIAD_MULTI: 'a\n        b' });
    assert.equal(r.text, raw);
    assert.match(r.warnings[0] ?? '', /spans several lines/);
  });

  it('strips several blocks bottom-up and the result still parses', () => {
    const raw =
      'workers:\n  - name: http\n    config:\n      port: 2\n  - name: http\n    config:\n      port: 3\n      host: x\n  # tail\n';
    const r = strip(raw);
    assert.deepEqual(r.stripped, ['http', 'http']);
    const again = parseConfigText(r.text, { modules, env: {}, file: 'config.yaml' });
    assert.deepEqual(again.engineEntries, [{ name: 'http' }, { name: 'http#1' }]);
    assert.ok(r.text.endsWith('  # tail\n'));
  });
});
