/**
 * Read a stored `config/<id>.yaml` value before the engine starts, so a built-in starts with its
 * persisted config directly (not with the config.yaml block, then again with the file value).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { expandValue } from '../core/config/interpolate.ts';
import { check, formatIssues, toJsonSchema } from '../core/config/schema.ts';
import type { EngineModule } from '../modules/module.ts';

export type StoredValue = { ok: true; value: unknown } | { ok: false; problem: string } | undefined;

/** The expanded, schema-checked value of `<directory>/<id>.yaml`; `undefined` when there is no file or no value. */
export function readStoredValue(directory: string, displayDir: string, id: string, module: EngineModule): StoredValue {
  const file = `${displayDir}/${id}.yaml`;
  let text: string;
  try {
    text = readFileSync(join(directory, `${id}.yaml`), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const doc = parseYaml(text) as { value?: unknown } | null;
    if (doc?.value === undefined || doc.value === null) return undefined;
    const expanded = expandValue(doc.value, toJsonSchema(module.configSchema), { file });
    const r = check(module.configSchema, expanded);
    if (!r.ok) return { ok: false, problem: formatIssues(r.issues, `${file}: value.`) };
    return { ok: true, value: expanded };
  } catch (err) {
    return { ok: false, problem: `${file}: ${(err as Error).message.split('\n')[0]}` };
  }
}
