/**
 * The `click-streamer` worker (tutorial ch. 5): subscribes to link.clicked and broadcasts each click to
 * the `clicks` stream. Wiring only; logic in handlers.ts.
 */
import { Logger } from '@iii-dev/helpers/observability';
import { registerWorker } from 'iii-sdk';
import { createHandlers } from './handlers.ts';

const worker = registerWorker(process.env.III_URL ?? 'ws://localhost:49134', {
  workerName: 'click-streamer',
});
const logger = new Logger();
const streamer = createHandlers({ trigger: (call) => worker.trigger(call) });

worker.registerFunction('click-streamer::broadcast', (data) => streamer.broadcast(data), {
  description: 'Push a click to the clicks/all stream',
});

worker.registerTrigger({
  type: 'subscribe',
  function_id: 'click-streamer::broadcast',
  config: { topic: 'link.clicked' },
});

logger.info('click-streamer ready', { topic: 'link.clicked' });
