/**
 * `tls` config → the `ssl` option of pg and mysql2 (same shape: Node TLS options). Absent `tls` leaves
 * the decision to the URL (`?sslmode=` on PostgreSQL, `?ssl=` on MySQL).
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { DriverOptions } from './sql-driver.ts';

export type TlsOption = false | { rejectUnauthorized: boolean; ca?: string[] };

/** `ca_cert` may be inline PEM or a path to a PEM file. */
function loadCa(caCert: string): string {
  return caCert.includes('-----BEGIN') ? caCert : readFileSync(caCert, 'utf8');
}

export function tlsOption(tls: DriverOptions['tls']): TlsOption | undefined {
  if (!tls) return undefined;
  if (tls.mode === 'disable') return false;
  if (tls.mode === 'require') return { rejectUnauthorized: false };
  if (!tls.ca_cert) return { rejectUnauthorized: true };
  const ca = loadCa(tls.ca_cert);
  return { rejectUnauthorized: true, ca: tls.trust_native ? [...rootCertificates, ca] : [ca] };
}
