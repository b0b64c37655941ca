/** `cron` in a project: config.yaml's block seeds config/cron.yaml (id `cron`, name `Cron`) and jobs run (workers.md §0.3, §7). */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startProject } from '@triad/engine';
import { parse as parseYaml } from 'yaml';
import { connectWorker } from '../../helpers/engine.ts';
import { uniqueName } from '../../helpers/names.ts';
import { waitFor } from '../../helpers/wait.ts';

const CONFIG = `workers:
  - name: iii-worker-manager
    config:
      host: 127.0.0.1
      port: 0
  - name: iii-cron
    config:
      adapter:
        name: kv
        config:
          lock_ttl_ms: 1000
`;

test('the iii-cron block seeds config/cron.yaml with defaults filled in, and jobs fire', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'triad-cron-'));
  try {
    writeFileSync(join(dir, 'config.yaml'), CONFIG);
    const project = await startProject({ configPath: join(dir, 'config.yaml'), logLevel: 'silent', debounceMs: 50 });
    const w = connectWorker({ workerUrl: project.engine.addresses.worker as string });
    const fn = uniqueName('project-tick');
    let fired = 0;
    try {
      const stored = parseYaml(readFileSync(join(dir, 'config', 'cron.yaml'), 'utf8')) as Record<string, unknown>;
      assert.equal(stored.id, 'cron');
      assert.equal(stored.name, 'Cron');
      assert.deepEqual(stored.value, { adapter: { config: { lock_index: 'cron_locks', lock_ttl_ms: 1000 }, name: 'kv' } });
      w.registerFunction(fn, async () => {
        fired++;
        return null;
      });
      w.registerTrigger({ type: 'cron', function_id: fn, config: { expression: '* * * * * *' } });
      await waitFor(() => fired >= 1, { timeoutMs: 15_000, what: 'a fire' });
    } finally {
      await w.shutdown();
      await project.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
