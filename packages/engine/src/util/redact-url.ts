/** `postgres://app:secret@host/db` → `postgres://app:***@host/db`: a service URL fit for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
