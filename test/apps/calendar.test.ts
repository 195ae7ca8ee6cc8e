// apps/calendar through the real host: events are files in the app's drive (fs), named by start
// time so a range is one ordered scan; add, list by range (overlap), get, remove; bad arguments
// are typed errors; events persist across host restarts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { Host } from '../../runtime/index.js';
import { ROOT } from '../isa/paths.js';
import { tempHome, cleanup, quietHost, grantAll, refusalCode } from '../runtime/helpers.js';

interface Event {
  id: string;
  title: string;
  start: number;
  end: number;
  note: string;
}

const home = tempHome('calendar');
let host: Host;
const run = (cmd: string, args: Record<string, unknown> = {}) => host.run('calendar', cmd, args);
const DAY = 86_400_000;
const T = Date.UTC(2026, 11, 1);

const appCode = (cmd: string, args: Record<string, unknown>) => refusalCode(run(cmd, args), `${cmd} ${JSON.stringify(args)}`);

test.before(async () => {
  host = quietHost(home);
  await host.install(join(ROOT, 'apps/calendar'), grantAll);
});
test.after(async () => {
  await host.close();
  cleanup(home);
});

test('add, list by range (overlapping events, in start order), get, remove', async () => {
  const trip = (await run('add', { title: 'trip', start: T + 2 * DAY, end: T + 5 * DAY })) as Event;
  const standup = (await run('add', { title: 'standup', start: T + 3 * DAY, note: 'room 2' })) as Event;
  const review = (await run('add', { title: 'review', start: T + 10 * DAY, end: T + 10 * DAY + 3_600_000 })) as Event;
  assert.match(trip.id, /^[0-9a-f]{8}$/);
  assert.equal(standup, { id: standup.id, title: 'standup', start: T + 3 * DAY, end: T + 3 * DAY, note: 'room 2' });
  const titles = async (from: number, to: number) => ((await run('list', { from, to })) as Event[]).map((e) => e.title);
  assert.equal(await titles(T + 4 * DAY, T + 4 * DAY), ['trip'], 'an event that started before the range but is still on');
  assert.equal(await titles(T, T + 3 * DAY), ['trip', 'standup']);
  assert.equal(await titles(T + 6 * DAY, T + 30 * DAY), ['review']);
  assert.equal(((await run('list')) as Event[]).length, 3);
  assert.equal(await run('get', { id: review.id }), review);
  assert.equal(await run('remove', { id: trip.id }), { removed: trip.id });
  assert.is(await appCode('get', { id: trip.id }), 'NOT_FOUND');
  assert.equal(await titles(0, T + 30 * DAY), ['standup', 'review']);
});

test('bad arguments are typed errors', async () => {
  assert.is(await appCode('add', { title: ' ', start: T }), 'MISSING_ARGUMENT');
  assert.is(await appCode('add', { title: 'a\nb', start: T }), 'INVALID_ARGUMENT');
  assert.is(await appCode('add', { title: 'x', start: T, end: T - 1 }), 'INVALID_ARGUMENT');
  assert.is(await appCode('add', { title: 'x', start: -5 }), 'INVALID_ARGUMENT');
  assert.is(await appCode('add', { title: 'x', start: 1e16 }), 'INVALID_ARGUMENT');
  assert.is(await appCode('get', { id: '../../x' }), 'INVALID_ARGUMENT');
  assert.is(await appCode('list', { from: 5, to: 1 }), 'INVALID_ARGUMENT');
});

test('events persist across host restarts', async () => {
  await host.close();
  host = quietHost(home);
  assert.equal(
    ((await run('list')) as Event[]).map((e) => e.title),
    ['standup', 'review'],
  );
});

test.run();
