/**
 * Configuration costs, each figure beside a baseline measured in the same run:
 *   1. config.yaml load (interpolate + parse + classify + validate every block, Linkly-sized file)
 *      vs a bare `yaml.parse` of the same text;
 *   2. `configuration::get` (with ${VAR} expansion) from a real iii-sdk worker vs an in-process echo
 *      function through the same engine and worker;
 *   3. config/<id>.yaml edit → applied to the running module (startProject watcher) vs the configured
 *      debounce (the floor: an edit cannot apply sooner).
 * Loopback only, bounded counts.
 *
 *   node --import tsx bench/configuration.ts [--ops 5000] [--edits 10]
 */

import { once } from 'node:events';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProject } from '@triad/engine';
import { builtinModules, parseConfigText } from '@triad/engine/internal';
import { registerWorker } from 'iii-sdk';
import { parse as parseYaml } from 'yaml';
import { probeModule } from '../test/helpers/probe-module.ts';
import { report, type Sample, summarise } from './lib/stats.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const OPS = arg('ops', 5_000);
const EDITS = arg('edits', 10);

const CONFIG_YAML = `# bench
workers:
  - name: iii-worker-manager
    config:
      host: 127.0.0.1
      port: \${BENCH_WM_PORT:0}
  - name: queue
    config:
      adapter:
        name: builtin
      queue_configs:
        clicks: { type: standard, max_retries: 5, concurrency: 5 }
  - name: http
    config:
      host: 127.0.0.1
      port: 0
      cors: { allowed_origins: ["*"], allowed_methods: [GET, POST] }
  - name: state
  - name: database
  - name: pubsub
  - name: iii-stream
  - name: link
    worker_path: ./link
  - name: analytics
    worker_path: ./analytics
`;

/** Alternate subject and baseline op by op so both see the same conditions. */
async function paired(ops: number, subject: () => unknown, baseline: () => unknown): Promise<[Sample, Sample]> {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < ops; i++) {
    let t = performance.now();
    await subject();
    a.push(performance.now() - t);
    t = performance.now();
    await baseline();
    b.push(performance.now() - t);
  }
  const sum = (xs: number[]): number => xs.reduce((x, y) => x + y, 0);
  return [summarise(a, sum(a)), summarise(b, sum(b))];
}

async function main(): Promise<void> {
  const [load, bare] = await paired(
    Math.min(OPS, 2_000),
    () => parseConfigText(CONFIG_YAML, { modules: builtinModules, env: {}, file: 'config.yaml' }),
    () => parseYaml(CONFIG_YAML),
  );
  report('1. config.yaml load + validate vs yaml.parse', load, bare, { subject: 'loadConfig', baseline: 'yaml.parse' });

  const dir = mkdtempSync(join(tmpdir(), 'triad-bench-config-'));
  const probe = probeModule('bench-probe');
  const debounceMs = 300;
  writeFileSync(
    join(dir, 'config.yaml'),
    'workers:\n  - name: iii-worker-manager\n    config: { host: 127.0.0.1, port: 0 }\n  - name: bench-probe\n',
  );
  const project = await startProject({ configPath: join(dir, 'config.yaml'), logLevel: 'silent', modules: [probe.module as never] });
  const worker = registerWorker(project.engine.addresses.worker ?? '', {
    workerName: 'bench',
    otel: { enabled: false },
    enableMetricsReporting: false,
  });
  try {
    await project.engine.api.invoke('configuration::register', {
      id: 'bench-entry',
      name: 'B',
      schema: { type: 'object', properties: { port: { type: 'integer' }, url: { type: 'string' } } },
      initial_value: { port: '${BENCH_PORT:3111}', url: 'http://${BENCH_HOST:localhost}/x' },
    });
    project.engine.api.registerFunction({ id: 'bench::echo', handler: (x) => x });
    const [get, echo] = await paired(
      OPS,
      () => worker.trigger({ function_id: 'configuration::get', payload: { id: 'bench-entry' } }),
      () => worker.trigger({ function_id: 'bench::echo', payload: { id: 'bench-entry' } }),
    );
    report('2. configuration::get via iii-sdk vs in-process echo', get, echo, { subject: 'configuration::get', baseline: 'echo' });

    const file = join(dir, 'config', 'bench-probe.yaml');
    const latencies: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const applied = once(project, 'reconfigured');
      const t = performance.now();
      writeFileSync(`${file}.tmp`, readFileSync(file, 'utf8').replace(/limit: \d+/, `limit: ${(i % 90) + 2}`));
      renameSync(`${file}.tmp`, file);
      await applied;
      latencies.push(performance.now() - t);
    }
    const edit = summarise(
      latencies,
      latencies.reduce((x, y) => x + y, 0),
    );
    report(
      '3. config/<id>.yaml edit → applied vs the debounce floor',
      edit,
      { throughput: 1000 / debounceMs, p50: debounceMs, p99: debounceMs },
      {
        subject: 'edit → reconfigure',
        baseline: `debounce ${debounceMs} ms`,
      },
    );
  } finally {
    await worker.shutdown();
    await project.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
