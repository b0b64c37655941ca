/**
 * The dashboard's numbers, free of React and the SDK (unit-tested in test/board.test.ts).
 *
 * Totals come from SQL (`link::list`), so they survive a restart, when the in-memory `clicks` stream starts
 * empty; live `create` events from the stream add to them. A click must never count twice nor go missing:
 * - every stream event arrives after its row is in SQL (link::record_click inserts, then publishes), so a
 *   snapshot taken after an event always includes it;
 * - a snapshot's clicks are all at or before its `last_click_at`, so only later live clicks are surely new;
 *   an earlier one that SQL had not stored yet (the queue may write out of order) is counted by the next
 *   snapshot, which replaces a row whenever it holds at least as many clicks as the page does.
 */

export interface Click {
  code: string;
  clicked_at: string;
}

/** One row of `link::list`. */
export interface LinkTotal {
  code: string;
  url: string;
  created_at: string;
  clicks: number;
  last_click_at: string | null;
}

interface Row extends LinkTotal {
  /** `last_click_at` of the snapshot this row came from: live clicks at or before it are already counted. */
  since: string | null;
}

export interface Board {
  rows: ReadonlyMap<string, Row>;
  /** Newest first, at most FEED_SIZE. */
  feed: readonly Click[];
  /** Clicks per epoch second over the last CHART_SECONDS, for the chart. */
  seconds: ReadonlyMap<number, number>;
  /** A snapshot arrived: the rows are SQL's totals, not just what the page saw. */
  loaded: boolean;
}

export const FEED_SIZE = 15;
export const CHART_SECONDS = 60;

export const emptyBoard = (): Board => ({ rows: new Map(), feed: [], seconds: new Map(), loaded: false });

/**
 * Clicks already applied, by the stream's item id (`<code>-<clicked_at>`), so a `stream::list` overlapping
 * live events counts nothing twice. Kept outside React state (checked before a state update, which React may
 * run twice) and bounded: far more than can ever arrive twice.
 */
export class SeenClicks {
  private readonly ids = new Set<string>();
  constructor(private readonly limit = 5000) {}

  /** True the first time a click is offered. */
  first(click: Click): boolean {
    const id = `${click.code}-${click.clicked_at}`;
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.limit) this.ids.delete(this.ids.values().next().value as string);
    return true;
  }

  get size(): number {
    return this.ids.size;
  }
}

/**
 * A `link::list` answer. `complete` (fewer rows than asked for) means a link missing from it is gone
 * (deleted), so its row goes too; a partial listing only updates what it holds.
 */
export function applySnapshot(board: Board, links: readonly LinkTotal[], complete: boolean): Board {
  const rows = new Map(complete ? [] : board.rows);
  for (const link of links) {
    const known = board.rows.get(link.code);
    // SQL is the truth for what it has seen; the page may only be ahead of it, never behind.
    if (!known || link.clicks >= known.clicks) rows.set(link.code, { ...link, since: link.last_click_at });
    else rows.set(link.code, { ...known, url: link.url });
  }
  return { ...board, rows, loaded: true };
}

/**
 * One new click (SeenClicks said so). `live` is a `create` event (counted); items read with `stream::list`
 * only fill the feed and the chart, the snapshot counts them. `unknown` asks the caller for a new snapshot:
 * the click's link was created after the last one.
 */
export function applyClick(board: Board, click: Click, live: boolean, now = Date.now()): { board: Board; unknown: boolean } {
  const next: Board = { ...board, feed: [click, ...board.feed].slice(0, FEED_SIZE), seconds: tally(board.seconds, click, now) };
  if (!live) return { board: next, unknown: false };
  const row = board.rows.get(click.code);
  if (!row) return { board: next, unknown: true };
  // ISO timestamps compare as strings.
  if (row.since !== null && click.clicked_at <= row.since) return { board: next, unknown: false };
  const last = row.last_click_at !== null && row.last_click_at > click.clicked_at ? row.last_click_at : click.clicked_at;
  const rows = new Map(board.rows).set(click.code, { ...row, clicks: row.clicks + 1, last_click_at: last });
  return { board: { ...next, rows }, unknown: false };
}

/** One more click in its second; seconds older than the chart are dropped. */
function tally(seconds: ReadonlyMap<number, number>, click: Click, now: number): ReadonlyMap<number, number> {
  const at = Date.parse(click.clicked_at);
  const oldest = Math.floor(now / 1000) - CHART_SECONDS;
  if (!Number.isFinite(at) || Math.floor(at / 1000) <= oldest) return seconds;
  const next = new Map([...seconds].filter(([sec]) => sec > oldest));
  const sec = Math.floor(at / 1000);
  return next.set(sec, (next.get(sec) ?? 0) + 1);
}

/** Clicks in each of the last CHART_SECONDS seconds, oldest first. */
export function perSecond(board: Board, now = Date.now()): number[] {
  const end = Math.floor(now / 1000);
  return Array.from({ length: CHART_SECONDS }, (_, i) => board.seconds.get(end - CHART_SECONDS + 1 + i) ?? 0);
}

/** Newest link first, as `link::list` orders them. */
export function sortedRows(board: Board): Row[] {
  return [...board.rows.values()].sort((a, b) => b.created_at.localeCompare(a.created_at) || a.code.localeCompare(b.code));
}

export const totalClicks = (board: Board): number => [...board.rows.values()].reduce((n, r) => n + r.clicks, 0);
