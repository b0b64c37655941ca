import { registerWorker } from 'iii-browser-sdk';

// The RBAC listener (config.yaml, port 3110) admits this tab when the token matches LINKLY_BROWSER_TOKEN.
const token = import.meta.env.VITE_LINKLY_TOKEN ?? 'dev-token';
// Triad: `npm start` can move the listener (LINKLY_BROWSER_PORT); the tutorial's address is the default.
const address = import.meta.env.VITE_LINKLY_BROWSER_URL ?? 'ws://localhost:3110';

export const worker = registerWorker(`${address}?token=${encodeURIComponent(token)}`, { workerName: 'linkly-frontend' });
