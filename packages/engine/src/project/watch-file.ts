/**
 * Watch one file through its directory (non-recursive), because editors save by writing a temp file
 * and renaming it over the original, which a watch on the file itself would lose (workers.md §16 step 6).
 */
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface FileWatch {
  close(): void;
}

/** Call `onChange` once the file has been quiet for `debounceMs` after a change. */
export function watchFile(path: string, debounceMs: number, onChange: () => void, onError: (err: unknown) => void): FileWatch {
  const name = basename(path);
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, filename) => {
      if (filename !== null && filename.toString() !== name) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    });
    watcher.on('error', onError);
  } catch (err) {
    onError(err);
  }
  return {
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
