/**
 * Watches a local worker's install inputs (iii.worker.yaml, package.json, pyproject.toml, …): after a
 * fix to a failed install, or a new dependency, the supervisor starts the worker again (installing
 * first, since the fingerprint no longer matches the marker). Code changes are the start script's
 * business (`tsx watch`, `watchfiles`), so other files are ignored.
 */
import { type FSWatcher, watch } from 'node:fs';
import { INSTALL_INPUTS, inputsFingerprint } from './install.ts';

const WATCHED = new Set<string>(INSTALL_INPUTS);

export interface InputWatch {
  close(): void;
}

/** Calls `onChange(files)` once the inputs' content changed and stayed quiet for `debounceMs`. */
export function watchInputs(dir: string, onChange: (files: string[]) => void, debounceMs = 300): InputWatch {
  let fingerprint = inputsFingerprint(dir);
  let timer: NodeJS.Timeout | undefined;
  const touched = new Set<string>();
  let watcher: FSWatcher | undefined;
  try {
    // The folder, not the files: editors save by rename, which would orphan a file watch.
    watcher = watch(dir, (_event, file) => {
      if (file === null || !WATCHED.has(file)) return;
      touched.add(file);
      clearTimeout(timer);
      timer = setTimeout(() => {
        const next = inputsFingerprint(dir);
        const files = [...touched];
        touched.clear();
        if (next === fingerprint) return;
        fingerprint = next;
        onChange(files);
      }, debounceMs);
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    // A folder that cannot be watched just means no automatic restart; `iii worker restart` still works.
  }
  return {
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
