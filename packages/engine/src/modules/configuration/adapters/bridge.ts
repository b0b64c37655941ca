/**
 * The `bridge` configuration adapter (`adapter: { name: bridge, config: { bridge_url } }`): entries live on
 * another engine (the backend); this engine keeps a cache the store reads synchronously.
 *
 * - The cache is primed before the store loads (bounded wait: a down backend delays boot by at most
 *   `prime_timeout_ms`, then boot goes on with what is cached), and primed again after every reconnect:
 *   differences reach the store as outside edits (validated, then fanned out once). The reference primes only
 *   at boot.
 * - Backend changes arrive through a `configuration` trigger bound, through the link, to a per-engine function
 *   `configuration::bridge::on_change::<uuid>` (the reference uses one fixed id that a second bridged
 *   engine steals).
 * - A local write is applied locally (one local fan-out), then sent to the backend (`configuration::register`
 *   with the schema and the value, so the backend can validate it even after its own restart). Its echo from
 *   the backend matches the cache and is dropped: no second fan-out. A write the backend refuses is logged and
 *   undone by re-reading the backend's value.
 * - `id_prefix` keeps this engine's entries apart on a shared backend (`edge-state` instead of `state`);
 *   without it, entries are shared with the backend and every engine bridged to it (as in the reference).
 * - Deleting (TTL expiry) is local only: there is no remote delete function.
 */
import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import type { BridgeLink } from '../../../bridge-link/index.ts';
import type { JsonSchema } from '../../../core/config/schema.ts';
import type { Logger } from '../../../util/logger.ts';
import { sortKeys } from '../sort-keys.ts';
import type { ConfigFiles, FileChange, StoredFile } from './config-files.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export class BridgeConfigFiles implements ConfigFiles {
  readonly directory: string;
  /** Entry text as this engine last saw it on the backend (or wrote there): a matching event is an echo. */
  private readonly known = new Map<string, string>();
  private onChange: ((changes: FileChange[]) => void) | undefined;
  private readonly disposers: Array<() => void> = [];
  private loaded = false;
  private pending: FileChange[] = [];
  private primed!: () => void;
  private readonly firstPrime = new Promise<void>((resolve) => {
    this.primed = resolve;
  });

  constructor(
    private readonly link: BridgeLink,
    private readonly log: Logger,
    private readonly prefix = '',
  ) {
    this.directory = `bridge ${link.url}`;
    const relay = `configuration::bridge::on_change::${randomUUID()}`;
    this.disposers.push(
      link.registerFunction(relay, async (event) => {
        await this.onRemoteEvent(event);
        return null;
      }),
      link.registerTrigger({ trigger_type: 'configuration', function_id: relay, config: {} }),
    );
    this.disposers.push(link.onState((state) => (state === 'up' ? void this.primeAndDeliver() : undefined)));
  }

  /** Resolves once the cache was first filled from the backend, or after `timeoutMs` (backend down: boot goes on). */
  async ready(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.log.warn(`configuration backend ${this.link.url} not reached within ${timeoutMs} ms; starting with no entries`);
        resolve();
      }, timeoutMs);
    });
    await Promise.race([this.firstPrime, late]);
    clearTimeout(timer);
  }

  /** After every (re)connection: read the backend; what changed reaches the store as outside edits. */
  private async primeAndDeliver(): Promise<void> {
    try {
      const changes = await this.prime();
      // Before the store loaded, the cache is the initial load (loadAll), not a change.
      if (this.loaded) this.deliver(changes);
      this.primed();
    } catch (err) {
      this.log.warn('could not read the configuration entries from the backend', { url: this.link.url, error: String(err) });
    }
  }

  /** Read every entry from the backend into the cache; resolves with what differs from before. */
  async prime(): Promise<FileChange[]> {
    const listed = await this.link.call('configuration::list', {});
    const entries = isObj(listed) && Array.isArray(listed.configurations) ? listed.configurations.filter(isObj) : [];
    const seen = new Set<string>();
    const changes: FileChange[] = [];
    for (const e of entries) {
      const local = typeof e.id === 'string' ? this.localId(e.id) : undefined;
      if (local === undefined) continue;
      seen.add(local);
      const change = await this.fetch(local);
      if (change) changes.push(change);
    }
    for (const id of [...this.known.keys()]) {
      if (seen.has(id)) continue;
      this.known.delete(id);
      changes.push({ id, file: this.fileOf(id), text: undefined });
    }
    return changes;
  }

  loadAll(): FileChange[] {
    this.loaded = true;
    return [...this.known].map(([id, text]) => ({ id, file: this.fileOf(id), text }));
  }

  write(entry: StoredFile, schema?: JsonSchema): void {
    const text = textOf(entry);
    if (this.known.get(entry.id) === text) return;
    this.known.set(entry.id, text);
    const remoteId = this.prefix + entry.id;
    const call = schema
      ? this.link.call('configuration::register', {
          id: remoteId,
          name: entry.name ?? entry.id,
          description: entry.description ?? '',
          schema,
          initial_value: entry.value,
          ...(entry.metadata !== undefined ? { metadata: entry.metadata } : {}),
        })
      : this.link.call('configuration::set', { id: remoteId, value: entry.value });
    call.catch(async (err: unknown) => {
      this.log.warn(`configuration '${entry.id}' changed here but the backend refused it; re-reading the backend's value`, {
        error: String(err),
      });
      this.known.delete(entry.id);
      const change = await this.fetch(entry.id).catch(() => undefined);
      this.deliver(change ? [change] : []);
    });
  }

  remove(id: string): void {
    this.known.delete(id);
    this.log.info(`configuration '${id}' removed here only (the backend keeps it)`);
  }

  watch(onChange: (changes: FileChange[]) => void): void {
    this.onChange = onChange;
    this.deliver(this.pending.splice(0));
  }

  close(): void {
    for (const off of this.disposers.splice(0).reverse()) off();
    this.onChange = undefined;
  }

  private async onRemoteEvent(event: unknown): Promise<void> {
    if (!isObj(event) || typeof event.id !== 'string') return;
    const id = this.localId(event.id);
    if (id === undefined) return;
    if (event.event_type === 'configuration:deleted') {
      if (!this.known.delete(id)) return;
      this.deliver([{ id, file: this.fileOf(id), text: undefined }]);
      return;
    }
    const change = await this.fetch(id).catch((err: unknown) => {
      this.log.warn('could not read a configuration change from the backend', { id, error: String(err) });
      return undefined;
    });
    if (change) this.deliver([change]);
  }

  /** The backend's raw (unexpanded) value as entry text; undefined when it matches the cache. */
  private async fetch(id: string): Promise<FileChange | undefined> {
    const got = await this.link.call('configuration::get', { id: this.prefix + id, raw: true });
    const text = textOf({ id, value: isObj(got) ? (got.value ?? null) : null });
    if (this.known.get(id) === text) return undefined;
    this.known.set(id, text);
    return { id, file: this.fileOf(id), text };
  }

  private deliver(changes: FileChange[]): void {
    if (changes.length === 0) return;
    if (this.onChange) this.onChange(changes);
    else this.pending.push(...changes);
  }

  private localId(remoteId: string): string | undefined {
    if (!remoteId.startsWith(this.prefix)) return undefined;
    return remoteId.slice(this.prefix.length) || undefined;
  }

  private fileOf(id: string): string {
    return `${this.prefix + id} on ${this.link.url}`;
  }
}

/** Entries compare by id and value: name, description and schema come from the local registration. */
function textOf(entry: StoredFile): string {
  return stringify(sortKeys({ id: entry.id, value: entry.value ?? null }), { lineWidth: 0 });
}
