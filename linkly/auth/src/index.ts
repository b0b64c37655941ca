/**
 * The `auth` worker (tutorial ch. 7): `auth::browser` admits browser tabs on the RBAC listener
 * (config.yaml, port 3110) when their `?token=` matches LINKLY_BROWSER_TOKEN (default `dev-token`).
 * Wiring only; logic in handlers.ts.
 */
import { Logger } from '@iii-dev/helpers/observability';
import { registerWorker } from 'iii-sdk';
import { createAuth } from './handlers.ts';

const worker = registerWorker(process.env.III_URL ?? 'ws://localhost:49134', {
  workerName: 'auth',
});
const logger = new Logger();
const auth = createAuth(process.env.LINKLY_BROWSER_TOKEN ?? 'dev-token');

worker.registerFunction('auth::browser', async (input) => auth.browser(input), {
  description: 'Admit a browser socket on the RBAC listener: {headers, query_params, ip_address} → session, or throw',
});

logger.info('auth ready', { function: 'auth::browser' });
