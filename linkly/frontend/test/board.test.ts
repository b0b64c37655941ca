/**
 * The dashboard's counting rules (src/board.ts) without a browser: totals from SQL snapshots, live clicks
 * on top, nothing counted twice or lost. The Chromium tests (test/e2e/linkly-dashboard*.test.ts) drive the view.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyClick,
  applySnapshot,
  type Board,
  type Click,
  emptyBoard,
  FEED_SIZE,
  type LinkTotal,
  perSecond,
  SeenClicks,
  sortedRows,
  totalClicks,
} from '../src/board.ts';

const T0 = Date.parse('2026-12-08T01:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const link = (code: string, clicks: number, last: number | null, created = 0): LinkTotal => ({
  code,
  url: `https://iii.dev/${code}`,
  created_at: at(created),
  clicks,
  last_click_at: last === null ? null : at(last),
});
const click = (code: string, s: number): Click => ({ code, clicked_at: at(s) });
const live = (b: Board, c: Click) => applyClick(b, c, true, T0 + 120_000);
const clicksOf = (b: Board, code: string) => b.rows.get(code)?.clicks;

describe('dashboard board', () => {
  it('starts from the SQL totals and adds live clicks newer than the snapshot', () => {
    assert.equal(emptyBoard().loaded, false);
    let b = applySnapshot(emptyBoard(), [link('a', 2, 10), link('b', 0, null, 1)], true);
    assert.equal(b.loaded, true);
    assert.equal(totalClicks(b), 2);
    b = live(b, click('a', 11)).board;
    b = live(b, click('b', 12)).board;
    assert.equal(clicksOf(b, 'a'), 3);
    assert.equal(clicksOf(b, 'b'), 1);
    assert.equal(b.rows.get('b')?.last_click_at, at(12));
    assert.deepEqual(
      sortedRows(b).map((r) => r.code),
      ['b', 'a'],
      'newest link first',
    );
  });

  it('a live click the snapshot already holds is not counted again', () => {
    let b = applySnapshot(emptyBoard(), [link('a', 2, 10)], true);
    b = live(b, click('a', 10)).board;
    b = live(b, click('a', 9)).board;
    assert.equal(clicksOf(b, 'a'), 2);
    b = live(b, click('a', 11)).board;
    assert.equal(clicksOf(b, 'a'), 3);
  });

  it('SeenClicks lets each click through once, remembering a bounded number', () => {
    const seen = new SeenClicks(3);
    assert.equal(seen.first(click('a', 1)), true);
    assert.equal(seen.first(click('a', 1)), false);
    assert.equal(seen.first(click('b', 1)), true);
    for (const s of [2, 3, 4]) seen.first(click('a', s));
    assert.equal(seen.size, 3);
    assert.equal(seen.first(click('a', 1)), true, 'the oldest id was forgotten');
  });

  it('a later snapshot replaces the row unless the page is ahead of it', () => {
    let b = applySnapshot(emptyBoard(), [link('a', 1, 5)], true);
    b = live(b, click('a', 6)).board;
    b = live(b, click('a', 7)).board;
    // SQL had stored only the first of the two live clicks when it answered: the page keeps its 3.
    b = applySnapshot(b, [{ ...link('a', 2, 6), url: 'https://iii.dev/moved' }], true);
    assert.equal(clicksOf(b, 'a'), 3);
    assert.equal(b.rows.get('a')?.url, 'https://iii.dev/moved');
    // A click written out of order (before `since`) reaches the page through the next snapshot.
    b = applySnapshot(b, [link('a', 4, 7)], true);
    assert.equal(clicksOf(b, 'a'), 4);
    b = live(b, click('a', 3)).board;
    assert.equal(clicksOf(b, 'a'), 4);
  });

  it('a click on an unknown link asks for a snapshot, which counts it', () => {
    let b = applySnapshot(emptyBoard(), [], true);
    const r = live(b, click('new', 1));
    assert.equal(r.unknown, true);
    b = applySnapshot(r.board, [link('new', 1, 1)], true);
    assert.equal(clicksOf(b, 'new'), 1);
  });

  it('a complete listing drops deleted links; a partial one keeps what it does not hold', () => {
    let b = applySnapshot(emptyBoard(), [link('a', 1, 1), link('b', 1, 1)], true);
    b = applySnapshot(b, [link('a', 1, 1)], false);
    assert.deepEqual([...b.rows.keys()].sort(), ['a', 'b']);
    b = applySnapshot(b, [link('a', 1, 1)], true);
    assert.deepEqual([...b.rows.keys()], ['a']);
  });

  it('stream::list items fill the feed and the chart but are not counted', () => {
    let b = applySnapshot(emptyBoard(), [link('a', 3, 110)], true);
    for (const s of [100, 105, 110]) b = applyClick(b, click('a', s), false, T0 + 111_000).board;
    assert.equal(clicksOf(b, 'a'), 3);
    assert.deepEqual(
      b.feed.map((c) => c.clicked_at),
      [at(110), at(105), at(100)],
    );
    const counts = perSecond(b, T0 + 111_000);
    assert.equal(counts.length, 60);
    assert.equal(
      counts.reduce((x, y) => x + y, 0),
      3,
    );
    assert.equal(counts[59 - 1], 1, 'the click of 1 s ago is in the second-to-last bar');
    assert.equal(
      perSecond(b, T0 + 300_000).reduce((x, y) => x + y, 0),
      0,
      'a minute later the chart is empty',
    );
  });

  it('keeps the feed and the chart bounded', () => {
    let b = applySnapshot(emptyBoard(), [link('a', 0, null)], true);
    for (let s = 0; s < 200; s++) b = applyClick(b, click('a', s), false, T0 + 200_000).board;
    assert.equal(b.feed.length, FEED_SIZE);
    assert.equal(b.seconds.size, 59, 'only the seconds of the last minute (141 s to 199 s)');
  });
});
