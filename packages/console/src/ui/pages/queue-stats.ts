/** Every named queue and durable topic with its counts (`engine::queue::list_topics` + `topic_stats`). */
import { fetchResult } from '../api.ts';

export interface QueueStats {
  name: string;
  broker_type: string;
  depth: number;
  waiting: number;
  delayed: number;
  in_flight: number;
  dlq_depth: number;
  consumer_count: number;
}

export async function queueStats(): Promise<QueueStats[]> {
  const topics = await fetchResult<Array<{ name: string; broker_type: string }>>('engine::queue::list_topics');
  return Promise.all(
    topics.map(async (t) => ({
      name: t.name,
      broker_type: t.broker_type,
      ...(await fetchResult<Omit<QueueStats, 'name' | 'broker_type'>>('engine::queue::topic_stats', { queue: t.name })),
    })),
  );
}
