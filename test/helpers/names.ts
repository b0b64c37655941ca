import { randomUUID } from 'node:crypto';

/** A name no other test uses: `prefix-<8 hex>`. */
export function uniqueName(prefix = 't'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
