/**
 * Child process for the kill -9 test: runs an engine with file_based state in the project dir given as
 * argv[2] and prints one JSON line `{"worker":"ws://..."}` once it listens. It never exits on its own.
 */
import { startEngine } from '@triad/engine';

const projectDir = process.argv[2];
if (!projectDir) throw new Error('usage: engine-child.ts <projectDir>');
const engine = await startEngine({
  projectDir,
  logLevel: 'warn',
  workers: [
    { name: 'iii-worker-manager', config: { host: '127.0.0.1', port: 0 } },
    { name: 'state', config: { adapter: { name: 'kv', config: { store_method: 'file_based' } } } },
  ],
});
process.stdout.write(`${JSON.stringify({ worker: engine.addresses.worker })}\n`);
