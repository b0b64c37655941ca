/** startProject end to end: real files in temp dirs, the real engine, a real iii-sdk worker. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { connectWorker } from '../../../../test/helpers/engine.ts';
import { uniqueName } from '../../../../test/helpers/names.ts';
import { type ProbeConfig, probeModule } from '../../../../test/helpers/probe-module.ts';
import { deferred, onceEvent, waitFor } from '../../../../test/helpers/wait.ts';
import type { LocalWorkerEntry } from '../core/config/config-file.ts';
import { EngineError } from '../core/errors/index.ts';
import { type ConfigErrorEvent, type RunningProject, startProject } from './start-project.ts';
import { pointerComment } from './strip-config.ts';

const WM = '  - name: iii-worker-manager\n    config:\n      host: 127.0.0.1\n      port: ${TRIAD_TEST_UNSET_PORT:0}\n';

/** Write like an editor (temp + rename): the watcher never sees a half-written file. */
function save(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

async function withProject(
  configYaml: string,
  fn: (ctx: { dir: string; name: string; project: RunningProject; probe: ReturnType<typeof probeModule> }) => Promise<void>,
  pre?: (dir: string, name: string) => void,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'triad-project-'));
  const name = uniqueName('probe');
  const probe = probeModule(name);
  try {
    writeFileSync(join(dir, 'config.yaml'), configYaml.replaceAll('PROBE', name));
    pre?.(dir, name);
    const project = await startProject({
      configPath: join(dir, 'config.yaml'),
      logLevel: 'silent',
      modules: [probe.module as never],
      debounceMs: 50,
    });
    try {
      await fn({ dir, name, project, probe });
    } finally {
      await project.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function probeConfig(project: RunningProject, name: string): Promise<ProbeConfig> {
  return (await project.engine.api.invoke(`${name}::config`, {})) as ProbeConfig;
}

describe('startProject', () => {
  it('seeds config/<id>.yaml on first start and strips the consumed block, byte-preserving the rest', async () => {
    const original = [
      '# my project',
      'workers:',
      WM.trimEnd(),
      '  - name: PROBE   # the probe',
      '    config:',
      '      greeting: ${TRIAD_TEST_UNSET_GREETING:hi there}',
      '      # a comment inside the block',
      '',
      '      limit: 7',
      '',
      '  # trailing comment stays',
      '  - name: link',
      '    worker_path: /abs/link',
      '    config: { x: 1 }',
      '',
    ].join('\n');
    await withProject(original, async ({ dir, name, project }) => {
      const workers = await onceEvent<LocalWorkerEntry[]>(project, 'local-workers');
      assert.deepEqual(workers, [{ name: 'link', worker_path: '/abs/link', config: { x: 1 } }]);
      assert.deepEqual(await probeConfig(project, name), { greeting: 'hi there', limit: 7 });
      const stored = readFileSync(join(dir, 'config', `${name}.yaml`), 'utf8');
      assert.equal(stored, `description: test module\nid: ${name}\nname: Probe\nvalue:\n  greeting: hi there\n  limit: 7\n`);
      const expected = original
        .replaceAll('PROBE', name)
        .replace(
          '    config:\n      greeting: ${TRIAD_TEST_UNSET_GREETING:hi there}\n      # a comment inside the block\n\n      limit: 7\n',
          `    ${pointerComment(name, 'config')}\n`,
        );
      assert.equal(readFileSync(join(dir, 'config.yaml'), 'utf8'), expected);
      // the worker-manager block and the local worker's block (not persisted) are untouched
      assert.match(expected, /port: \$\{TRIAD_TEST_UNSET_PORT:0\}/);
      assert.match(expected, /config: \{ x: 1 \}/);
    });
  });

  it('starts a built-in with its config/<id>.yaml value (the file wins over config.yaml)', async () => {
    const yaml = `workers:\n${WM}  - name: PROBE\n    config:\n      greeting: from-config-yaml\n`;
    await withProject(
      yaml,
      async ({ name, project, probe }) => {
        assert.deepEqual(await probeConfig(project, name), { greeting: 'from-file', limit: 3 });
        assert.deepEqual(probe.applied, [], 'started with the file value, not reconfigured afterwards');
      },
      (dir, name) => {
        // the value an earlier boot persisted
        const cfg = join(dir, 'config');
        mkdirSync(cfg);
        writeFileSync(join(cfg, `${name}.yaml`), `id: ${name}\nname: Probe\nvalue:\n  greeting: from-file\n  limit: 3\n`);
      },
    );
  });

  it('strips a local worker block once its value is persisted, and migrates legacy ./data/configuration entries', async () => {
    const yaml = `workers:\n${WM}  - name: PROBE\n    config: { limit: 2 }\n  - name: link\n    worker_path: /abs/link\n    config: { x: 1 }\n`;
    await withProject(
      yaml,
      async ({ dir, name, project }) => {
        assert.deepEqual(await probeConfig(project, name), { greeting: 'legacy', limit: 9 }, 'the legacy value is the persisted one');
        assert.ok(existsSync(join(dir, 'config', `${name}.yaml`)));
        assert.ok(!existsSync(join(dir, 'data', 'configuration', `${name}.yaml`)));
        const text = readFileSync(join(dir, 'config.yaml'), 'utf8');
        assert.ok(text.includes(`    worker_path: /abs/link\n    ${pointerComment('link', 'config')}\n`), text);
        assert.ok(text.includes(`  - name: ${name}\n    ${pointerComment(name, 'config')}\n`), text);
      },
      (dir, name) => {
        mkdirSync(join(dir, 'config'));
        writeFileSync(join(dir, 'config', 'link.yaml'), 'id: link\nname: link\nvalue:\n  x: 1\n');
        mkdirSync(join(dir, 'data', 'configuration'), { recursive: true });
        writeFileSync(join(dir, 'data', 'configuration', `${name}.yaml`), `id: ${name}\nvalue:\n  greeting: legacy\n  limit: 9\n`);
      },
    );
  });

  it('hot-applies an edit of config/<id>.yaml, seen through a real iii-sdk worker', async () => {
    await withProject(`workers:\n${WM}  - name: PROBE\n`, async ({ dir, name, project }) => {
      const file = join(dir, 'config', `${name}.yaml`);
      assert.ok(existsSync(file), 'seeded with defaults');
      const worker = connectWorker({ workerUrl: project.engine.addresses.worker ?? '' });
      try {
        assert.deepEqual(await worker.trigger({ function_id: `${name}::config`, payload: {} }), { greeting: 'hello', limit: 10 });
        const applied = onceEvent<{ id: string; config: ProbeConfig }>(project, 'reconfigured');
        save(file, `id: ${name}\nname: Probe\nvalue:\n  greeting: edited\n  limit: 42\n`);
        assert.deepEqual(await applied, { id: name, config: { greeting: 'edited', limit: 42 } });
        assert.deepEqual(await worker.trigger({ function_id: `${name}::config`, payload: {} }), { greeting: 'edited', limit: 42 });
        // configuration::set is the other way in: applied the same way, and persisted to the file
        const viaSet = onceEvent<{ id: string; config: ProbeConfig }>(project, 'reconfigured');
        await worker.trigger({ function_id: 'configuration::set', payload: { id: name, value: { greeting: 'via-set', limit: 1 } } });
        assert.deepEqual((await viaSet).config, { greeting: 'via-set', limit: 1 });
        assert.deepEqual(await worker.trigger({ function_id: `${name}::config`, payload: {} }), { greeting: 'via-set', limit: 1 });
        assert.deepEqual(parseYaml(readFileSync(file, 'utf8')).value, { greeting: 'via-set', limit: 1 });
      } finally {
        await worker.shutdown();
      }
    });
  });

  it('reports a bad config/<id>.yaml edit with every problem and keeps the running config', async () => {
    await withProject(`workers:\n${WM}  - name: PROBE\n`, async ({ dir, name, project, probe }) => {
      const file = join(dir, 'config', `${name}.yaml`);
      const reported = onceEvent<ConfigErrorEvent>(project, 'config-error');
      save(file, `id: ${name}\nvalue:\n  greeting: 5\n  limit: 1000\n  colour: red\n`);
      const err = await reported;
      assert.match(err.message, new RegExp(`config/${name}\\.yaml: value\\.greeting: must be a string, got number`));
      assert.match(err.message, new RegExp(`config/${name}\\.yaml: value\\.limit: must be <= 100, got 1000`));
      assert.match(err.message, /value\.colour: unknown key/);
      const broken = onceEvent<ConfigErrorEvent>(project, 'config-error');
      save(file, 'value: [unclosed\n');
      assert.match((await broken).message, new RegExp(`config/${name}\\.yaml: `));
      assert.deepEqual(await probeConfig(project, name), { greeting: 'hello', limit: 10 });
      assert.deepEqual(probe.applied, []);
    });
  });

  it('reloads config.yaml edits (new worker seeded and stripped); a bad edit is reported and the engine keeps running', async () => {
    await withProject(`workers:\n${WM}`, async ({ dir, name, project }) => {
      const configPath = join(dir, 'config.yaml');
      assert.deepEqual(await onceEvent(project, 'local-workers'), []); // the initial list
      const reloaded = onceEvent<{ added: string[] }>(project, 'reloaded');
      const workersChanged = onceEvent<LocalWorkerEntry[]>(project, 'local-workers');
      const withProbe = `workers:\n${WM}  - name: ${name}\n    config:\n      limit: 5\n  - name: link\n    worker_path: /abs/link\n`;
      save(configPath, withProbe);
      assert.deepEqual((await reloaded).added, [name]);
      assert.deepEqual(await probeConfig(project, name), { greeting: 'hello', limit: 5 });
      assert.deepEqual(await workersChanged, [{ name: 'link', worker_path: '/abs/link' }]);
      assert.deepEqual(parseYaml(readFileSync(join(dir, 'config', `${name}.yaml`), 'utf8')).value, { greeting: 'hello', limit: 5 });
      assert.ok(readFileSync(configPath, 'utf8').includes(pointerComment(name, 'config')), 'block stripped after the reload');

      const reported = onceEvent<ConfigErrorEvent>(project, 'config-error');
      save(configPath, `workers:\n${WM}  - name: ${name}\n  - name: no-such-worker\n`);
      const err = await reported;
      assert.equal(err.file, 'config.yaml');
      assert.match(err.message, /unknown worker 'no-such-worker' \(known built-ins: .*configuration/);
      assert.deepEqual(await probeConfig(project, name), { greeting: 'hello', limit: 5 });
    });
  });

  it('hot-applies config/http.yaml to the real http worker (default_timeout)', async () => {
    await withProject(`workers:\n${WM}  - name: http\n    config:\n      host: 127.0.0.1\n      port: 0\n`, async ({ dir, project }) => {
      const file = join(dir, 'config', 'http.yaml');
      const seeded = parseYaml(readFileSync(file, 'utf8')) as { value: Record<string, unknown> };
      assert.equal(seeded.value.default_timeout, 30000);
      assert.deepEqual(Object.keys(seeded.value), [...Object.keys(seeded.value)].sort(), 'keys sorted');
      const applied = onceEvent<{ id: string }>(project, 'reconfigured');
      save(file, readFileSync(file, 'utf8').replace('default_timeout: 30000', 'default_timeout: 150'));
      assert.equal((await applied).id, 'http');
      const ns = uniqueName('slow');
      const release = deferred<void>(20_000, 'test end');
      const worker = connectWorker({ workerUrl: project.engine.addresses.worker ?? '' });
      try {
        worker.registerFunction(`${ns}::hang`, async () => {
          await release.promise;
          return { status_code: 200 };
        });
        worker.registerTrigger({ type: 'http', function_id: `${ns}::hang`, config: { api_path: `/${ns}`, http_method: 'GET' } });
        // 404 until the route exists; then the edited 150 ms timeout answers 504 (the default would wait 30 s)
        const url = `${project.engine.addresses.http}/${ns}`;
        await waitFor(async () => (await fetch(url)).status === 504, { what: '504 after the edited default_timeout' });
      } finally {
        release.resolve();
        await worker.shutdown();
      }
    });
  });

  it('refuses to start on an invalid config.yaml, listing every problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'triad-project-'));
    try {
      writeFileSync(
        join(dir, 'config.yaml'),
        `workers:\n${WM}  - name: http\n    config:\n      port: 70000\n      bogus: 1\n  - name: state\n    config: { adapter: 3 }\n`,
      );
      await assert.rejects(startProject({ configPath: join(dir, 'config.yaml'), logLevel: 'silent' }), (err: unknown) => {
        assert.ok(err instanceof EngineError);
        assert.equal(err.code, 'E_CONFIG_INVALID');
        assert.match(err.message, /config\.yaml: workers\[1\] \(http\)\.config\.port: must be <= 65535, got 70000 \(line 8\)/);
        assert.match(err.message, /workers\[1\] \(http\)\.config\.bogus: unknown key/);
        assert.match(err.message, /workers\[2\] \(state\)\.config\.adapter: must be an object, got number/);
        return true;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
