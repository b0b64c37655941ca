/**
 * `/secret/<s>/…`: the engine secret as a path prefix. An unmodified iii-sdk derives its telemetry
 * (`<base>/otel`) and channel (`<base>/ws/channels/<id>?key=…`) URLs by appending to the address it was
 * given, so a secret in a query string would break those URLs; a path prefix survives both.
 */
const PATH_PREFIX = /^\/secret\/([^/]+)(\/.*)?$/;

/** The route behind an optional `/secret/<s>` prefix (`/secret/x/otel` → `/otel`, `/secret/x` → `/`). */
export function stripSecretPrefix(pathname: string): string {
  const m = PATH_PREFIX.exec(pathname);
  return m ? (m[2] ?? '/') : pathname;
}

/** The secret carried by the prefix, if any. */
export function secretFromPath(pathname: string): string | undefined {
  const m = PATH_PREFIX.exec(pathname);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1] as string);
  } catch {
    return undefined;
  }
}
