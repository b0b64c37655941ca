/**
 * `iii.worker.yaml` (workers.md §21.1): strict validation, deprecated keys warn, publish metadata
 * is accepted and ignored.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, formatIssues, z } from '@triad/engine';
import { parse } from 'yaml';
import { CliError } from '../output/cli-error.ts';

export const MANIFEST_FILE = 'iii.worker.yaml';

const str = () => z.string().optional();
const manifestSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/)
    .describe('worker id = config.yaml entry name'),
  description: str(),
  runtime: z.strictObject({ base_image: str(), kind: str(), package_manager: str(), entry: str(), language: str() }).optional(),
  scripts: z.strictObject({ setup: str(), install: str(), start: str() }).optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  resources: z.strictObject({ cpus: z.number().optional(), memory: z.number().optional() }).optional(),
  // Publish metadata (accepted, ignored) and deprecated keys (warned).
  iii: z.unknown().optional(),
  deploy: z.unknown().optional(),
  manifest: z.unknown().optional(),
  tags: z.unknown().optional(),
  bin: z.unknown().optional(),
  language: z.unknown().optional(),
  config: z.unknown().optional(),
  entry: z.unknown().optional(),
});

export interface Manifest {
  name: string;
  description?: string;
  scripts: { setup?: string; install?: string; start?: string };
  /** Manifest env, minus the engine-owned variables. */
  env: Record<string, string>;
  warnings: string[];
}

const ENGINE_OWNED = new Set(['III_URL', 'III_ENGINE_URL', 'III_WORKER_NAME']);
const DEPRECATED = ['config', 'language', 'entry'];

export function parseManifest(text: string, file = MANIFEST_FILE): Manifest {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new CliError('E_CLI_MANIFEST_INVALID', `${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const r = check(manifestSchema, raw ?? {});
  if (!r.ok) throw new CliError('E_CLI_MANIFEST_INVALID', formatIssues(r.issues, `${file}: `));
  const m = r.value;
  const warnings = DEPRECATED.filter((k) => (m as Record<string, unknown>)[k] !== undefined).map(
    (k) => `${file}: \`${k}\` is deprecated and ignored`,
  );
  for (const k of ['kind', 'package_manager', 'entry', 'language'] as const)
    if (m.runtime?.[k] !== undefined) warnings.push(`${file}: \`runtime.${k}\` is deprecated and ignored`);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.env ?? {})) {
    if (!/^[A-Za-z0-9_]+$/.test(k)) throw new CliError('E_CLI_MANIFEST_INVALID', `${file}: env key \`${k}\` must match [A-Za-z0-9_]`);
    if (ENGINE_OWNED.has(k)) warnings.push(`${file}: env \`${k}\` is set by the engine; the manifest value is ignored`);
    else env[k] = String(v);
  }
  return { name: m.name, ...(m.description ? { description: m.description } : {}), scripts: m.scripts ?? {}, env, warnings };
}

export function readManifest(dir: string): Manifest {
  const file = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(
      'E_CLI_MANIFEST_INVALID',
      `no ${MANIFEST_FILE} in ${dir}`,
      'scaffold one with `iii worker init <name> --language typescript`',
    );
  }
  return parseManifest(text, file);
}
