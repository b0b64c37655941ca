/** `sqlite:` URL → file path. Accepts `sqlite:rel.db`, `sqlite://rel.db`, `sqlite:///abs.db`, `sqlite::memory:`. */
import { isAbsolute, resolve } from 'node:path';

export const MEMORY = ':memory:';

export function sqlitePath(url: string, baseDir: string): string {
  let rest = url.replace(/^sqlite:/i, '');
  if (rest.startsWith('//')) rest = rest.slice(2);
  // Connection options after `?` (e.g. `?mode=rwc`) are sqlx-isms; the file is what matters here.
  const q = rest.indexOf('?');
  if (q !== -1) rest = rest.slice(0, q);
  if (rest === MEMORY || rest === '') return MEMORY;
  return isAbsolute(rest) ? rest : resolve(baseDir, rest);
}
