/**
 * The click-streamer's logic: put every click on the `clicks` stream (group `all`), which pushes it to
 * every subscribed WebSocket. `createHandlers(deps)` runs without the engine in unit tests.
 */
export interface Click {
  code: string;
  clicked_at: string;
}

export interface StreamerDeps {
  trigger(call: { function_id: string; payload: unknown }): Promise<unknown>;
}

/** Accept only well-formed clicks: the stream feeds browsers, so junk is dropped here. */
export function parseClick(data: unknown): Click | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { code, clicked_at } = data as Record<string, unknown>;
  if (typeof code !== 'string' || typeof clicked_at !== 'string') return undefined;
  return { code, clicked_at };
}

export function createHandlers(deps: StreamerDeps) {
  return {
    /** click-streamer::broadcast, subscribed to link.clicked {code, clicked_at} → {streamed} */
    async broadcast(data: unknown): Promise<{ streamed: boolean }> {
      const click = parseClick(data);
      if (!click) return { streamed: false };
      await deps.trigger({
        function_id: 'stream::set',
        payload: { stream_name: 'clicks', group_id: 'all', item_id: `${click.code}-${click.clicked_at}`, data: click },
      });
      return { streamed: true };
    },
  };
}
