/**
 * The configuration registry (workers.md §9.1): named entries with a schema and a value, persisted
 * through the fs adapter. Values are stored with their `${VAR}` templates and expanded on read.
 *
 * Validation prefers the module's own `s` schema when one was attached (`useTypedSchema`): its messages
 * name every problem with its key. Otherwise the JSON Schema sent with `configuration::register` is used.
 */
import { parse as parseYaml } from 'yaml';
import { expandValue } from '../../core/config/interpolate.ts';
import { check, type Issue, type JsonSchema, type Schema, toJsonSchema } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';
import type { Logger } from '../../util/logger.ts';
import type { ConfigFiles, FileChange } from './adapters/config-files.ts';
import { validateJsonSchema } from './json-schema.ts';
import { sortKeys } from './sort-keys.ts';

export const ID_PATTERN = /^[a-z0-9_-]{1,64}$/;

export type ConfigurationEventType = 'configuration:registered' | 'configuration:updated' | 'configuration:deleted';

export interface ConfigEntry {
  id: string;
  name: string;
  description: string;
  /** `undefined` until registered in this session (the fs adapter does not persist schemas). */
  schema: JsonSchema | undefined;
  value: unknown;
  metadata?: unknown;
}

export interface ConfigurationEvent {
  event_type: ConfigurationEventType;
  entry: ConfigEntry;
  /** Unexpanded (template) values. */
  old_value: unknown;
  new_value: unknown;
  /** Where the change came from. */
  source: 'register' | 'set' | 'file' | 'ttl';
}

/** A file edit that was refused; the previous value stays. */
export interface ConfigurationRejection {
  id: string;
  file: string;
  problems: string[];
}

export interface RegisterRequest {
  id: string;
  name: string;
  description: string;
  schema: JsonSchema;
  initial_value?: unknown;
  metadata?: unknown;
}

type Listener<T> = (v: T) => void;

export class ConfigStore {
  private readonly entries = new Map<string, ConfigEntry>();
  private readonly typed = new Map<string, Schema<unknown>>();
  private readonly listeners = new Set<Listener<ConfigurationEvent>>();
  private readonly rejectionListeners = new Set<Listener<ConfigurationRejection>>();

  constructor(
    private readonly adapter: ConfigFiles,
    private readonly log: Logger,
    /** The directory as users see it, relative to the project (`config`), for messages. */
    readonly displayDir = 'config',
  ) {}

  /** Absolute directory holding the `<id>.yaml` files. */
  get directory(): string {
    return this.adapter.directory;
  }

  /** Read what is on disk (values only; schemas arrive with `register`). */
  load(): void {
    for (const change of this.adapter.loadAll()) {
      const parsed = this.parseFile(change);
      if (parsed) this.entries.set(change.id, parsed);
    }
  }

  useTypedSchema(id: string, schema: Schema<unknown>): void {
    this.typed.set(id, schema);
  }

  onEvent(fn: Listener<ConfigurationEvent>): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  onRejected(fn: Listener<ConfigurationRejection>): () => void {
    this.rejectionListeners.add(fn);
    return () => this.rejectionListeners.delete(fn);
  }

  register(req: RegisterRequest): ConfigEntry {
    checkId(req.id);
    const prev = this.entries.get(req.id);
    if (req.initial_value !== undefined) this.validateOrThrow(req.id, req.schema, req.initial_value);
    // Key-sorted like the file it is written to (a seeded value reads the same in memory as on disk).
    const value = req.initial_value !== undefined ? sortKeys(req.initial_value) : (prev?.value ?? null);
    const entry: ConfigEntry = { id: req.id, name: req.name, description: req.description, schema: req.schema, value };
    if (req.metadata !== undefined) entry.metadata = req.metadata;
    this.commit(entry, prev, prev ? 'configuration:updated' : 'configuration:registered', 'register');
    return entry;
  }

  set(id: string, value: unknown): { old_value: unknown; new_value: unknown } {
    checkId(id);
    const prev = this.entries.get(id);
    if (!prev) throw new EngineError('NOT_REGISTERED', `Configuration '${id}' is not registered`);
    if (!prev.schema)
      throw new EngineError('SCHEMA_UNAVAILABLE', `Configuration '${id}' has no schema in this session; its worker must register it first`);
    this.validateOrThrow(id, prev.schema, value);
    this.commit({ ...prev, value }, prev, 'configuration:updated', 'set');
    return { old_value: prev.value ?? null, new_value: value };
  }

  get(id: string, raw = false): { id: string; value: unknown } {
    const entry = this.entries.get(id);
    if (!entry) throw new EngineError('NOT_FOUND', `Configuration '${id}' not found`);
    return { id, value: raw ? (entry.value ?? null) : this.expand(entry, entry.value) };
  }

  /** Delete an entry and its file (TTL expiry); fires `configuration:deleted`. */
  remove(id: string): boolean {
    const prev = this.entries.get(id);
    if (!prev) return false;
    this.entries.delete(id);
    this.adapter.remove(id);
    this.emit({ event_type: 'configuration:deleted', entry: prev, old_value: prev.value ?? null, new_value: null, source: 'ttl' });
    return true;
  }

  entry(id: string): ConfigEntry | undefined {
    return this.entries.get(id);
  }

  list(): ConfigEntry[] {
    return [...this.entries.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The JSON Schema that guides `${VAR}` coercion: the module's own when it registered a typed one. */
  private jsonSchemaOf(id: string, registered: JsonSchema | undefined): JsonSchema | undefined {
    const typed = this.typed.get(id);
    return typed ? toJsonSchema(typed) : registered;
  }

  /** `${VAR}`-expand a value of `entry` (schema-guided coercion); a missing variable throws E_CONFIG_ENV_MISSING. */
  expand(entry: ConfigEntry, value: unknown): unknown {
    if (value === null || value === undefined) return null;
    return expandValue(value, this.jsonSchemaOf(entry.id, entry.schema), { file: this.relFile(entry.id) });
  }

  /** Problems of `value` (expanded first) against the id's schema, one line each, `file: key: message`. */
  problems(id: string, schema: JsonSchema | undefined, value: unknown): string[] {
    let expanded: unknown;
    try {
      expanded = expandValue(value, this.jsonSchemaOf(id, schema), { file: this.relFile(id) });
    } catch (err) {
      return [(err as Error).message];
    }
    const typed = this.typed.get(id);
    let issues: Issue[] = [];
    if (typed) {
      const r = check(typed, expanded);
      issues = r.ok ? [] : r.issues;
    } else if (schema) issues = validateJsonSchema(schema, expanded);
    return issues.map((i) => `${this.relFile(id)}: value${i.path === '' ? '' : `.${i.path}`}: ${i.message}`);
  }

  /** Replay external file edits through the same path as `set` (workers.md §9.3); bad edits are reported, not applied. */
  applyFileChanges(changes: readonly FileChange[]): void {
    for (const change of changes) {
      const prev = this.entries.get(change.id);
      if (change.text === undefined) {
        if (!prev) continue;
        this.entries.delete(change.id);
        this.emit({ event_type: 'configuration:deleted', entry: prev, old_value: prev.value ?? null, new_value: null, source: 'file' });
        continue;
      }
      const parsed = this.parseFile(change);
      if (!parsed) continue;
      const problems = this.problems(change.id, prev?.schema, parsed.value);
      if (problems.length > 0) {
        this.reject({ id: change.id, file: change.file, problems });
        continue;
      }
      const next: ConfigEntry = prev ? { ...prev, value: parsed.value } : parsed;
      this.entries.set(change.id, next);
      const type = prev ? 'configuration:updated' : 'configuration:registered';
      this.emit({ event_type: type, entry: next, old_value: prev?.value ?? null, new_value: parsed.value, source: 'file' });
    }
  }

  relFile(id: string): string {
    return `${this.displayDir}/${id}.yaml`;
  }

  private commit(
    entry: ConfigEntry,
    prev: ConfigEntry | undefined,
    type: ConfigurationEventType,
    source: ConfigurationEvent['source'],
  ): void {
    try {
      this.adapter.write(
        {
          id: entry.id,
          name: entry.name,
          description: entry.description,
          value: entry.value ?? null,
          ...(entry.metadata !== undefined ? { metadata: entry.metadata } : {}),
        },
        entry.schema,
      );
    } catch (err) {
      throw new EngineError('ADAPTER_ERROR', `Cannot write configuration '${entry.id}': ${(err as Error).message}`, { cause: err });
    }
    this.entries.set(entry.id, entry);
    this.emit({ event_type: type, entry, old_value: prev?.value ?? null, new_value: entry.value ?? null, source });
  }

  private validateOrThrow(id: string, schema: JsonSchema, value: unknown): void {
    const problems = this.problems(id, schema, value);
    if (problems.length > 0)
      throw new EngineError('SCHEMA_INVALID', `Configuration '${id}' is invalid:\n${problems.join('\n')}`, { details: { problems } });
  }

  private parseFile(change: FileChange): ConfigEntry | undefined {
    let doc: unknown;
    try {
      doc = parseYaml(change.text ?? '');
    } catch (err) {
      this.reject({ id: change.id, file: change.file, problems: [`${this.relFile(change.id)}: ${(err as Error).message.split('\n')[0]}`] });
      return undefined;
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      this.reject({ id: change.id, file: change.file, problems: [`${this.relFile(change.id)}: must be a mapping with 'id' and 'value'`] });
      return undefined;
    }
    const d = doc as Record<string, unknown>;
    const entry: ConfigEntry = {
      id: change.id,
      name: typeof d.name === 'string' ? d.name : change.id,
      description: typeof d.description === 'string' ? d.description : '',
      schema: undefined,
      value: d.value ?? null,
    };
    if (d.metadata !== undefined) entry.metadata = d.metadata;
    return entry;
  }

  private reject(r: ConfigurationRejection): void {
    this.log.warn(`rejected an edit of ${this.relFile(r.id)}; the previous value stays:\n${r.problems.join('\n')}`);
    for (const fn of this.rejectionListeners) fn(r);
  }

  private emit(ev: ConfigurationEvent): void {
    for (const fn of this.listeners) {
      try {
        fn(ev);
      } catch (err) {
        this.log.warn('configuration listener failed', { error: String(err) });
      }
    }
  }
}

function checkId(id: string): void {
  if (!ID_PATTERN.test(id)) throw new EngineError('INVALID_ID', `Invalid configuration id '${id}': must match [a-z0-9_-]{1,64}`);
}
