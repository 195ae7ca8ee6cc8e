/**
 * The console's JSON API: one handler per route over the console host. Reads are GETs; everything
 * that changes state is a POST (the server has checked the session cookie and its token before any
 * handler runs). App-chosen strings (manifest fields, contract messages, memos in summaries) go out with
 * the terminal's escaping (lib/terminal-text.ts): a bidi override or an invisible character shows
 * as a visible escape in the browser as in the terminal; the page then sets them with textContent,
 * so markup stays text.
 */
import { terminalJson, terminalText } from '../../lib/terminal-text.js';
import type { AppSummary } from '../app-registry.js';
import { ConsoleError } from './console-error.js';
import type { ConsoleHost, QueueEntryView } from './console-host.js';
import type { ActivityRecord } from './activity-log.js';

export type ApiBody = Record<string, unknown>;
export type ApiHandler = (host: ConsoleHost, body: ApiBody) => Promise<unknown>;

/** Longest passphrase accepted: far beyond any typed one, short of a payload. */
const MAX_PASSPHRASE_CHARS = 1024;
/** App and DMCS names are short identifiers. */
const MAX_NAME_CHARS = 64;

function text(body: ApiBody, field: string, max: number): string {
  const v = body[field];
  if (typeof v !== 'string' || v.length === 0 || v.length > max)
    throw new ConsoleError('BAD_REQUEST', `"${field}" must be a non-empty string of at most ${max} characters`);
  return v;
}

/** A description shown in the launcher: a paragraph, as `peeros app list` cuts it. */
const MAX_DESCRIPTION_CHARS = 300;

function appView(a: AppSummary): AppSummary {
  const { description, ...rest } = a;
  return {
    ...rest,
    version: terminalText(a.version),
    publisher: terminalText(a.publisher),
    commands: a.commands.map((c) => terminalText(c)),
    capabilities: a.capabilities.map((c) => terminalText(c)),
    ...(description !== undefined ? { description: terminalText(description, MAX_DESCRIPTION_CHARS) } : {}),
  };
}

function activityView(r: ActivityRecord): ActivityRecord {
  return { ...r, app: terminalText(r.app), summary: r.summary.map((l) => terminalText(l)) };
}

function queueView(e: QueueEntryView): QueueEntryView {
  const { error, note, ...rest } = e;
  return {
    ...rest,
    ...(note !== undefined ? { note: terminalText(note) } : {}),
    ...(error !== undefined ? { error: { ...error, message: terminalText(error.message) } } : {}),
  };
}

/** An app's result as the CLI prints it: JSON (bigints as decimal text, bytes as base64), escaped. */
function resultText(value: unknown): string {
  const json = JSON.stringify(
    value,
    (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v),
    2,
  );
  return terminalJson(json ?? 'null');
}

export const API_READS: Readonly<Record<string, ApiHandler>> = {
  '/api/status': async (h) => {
    const s = await h.status();
    return { unlocked: s.unlocked, keystore: s.keystore, keyCount: s.keyCount ?? null, autoLockAt: s.autoLockAt ?? null };
  },
  '/api/apps': async (h) => ({ apps: (await h.apps()).map(appView) }),
  '/api/grants': async (h) => {
    const apps = (await h.apps()).map(appView);
    return {
      apps: apps.map((a) => ({ name: a.name, capabilities: a.capabilities, raisedLimits: a.raisedLimits })),
      sessionGrants: h.sessionGrants(),
    };
  },
  '/api/activity': async (h) => ({ records: h.activity().map(activityView) }),
  '/api/dmcs': async (h) => h.dmcs(),
  '/api/queue': async (h) => ({ entries: h.queue().map(queueView) }),
  '/api/keys': async (h) => ({ keys: (await h.keys()).map((k) => ({ label: k.label, publicKey: k.publicKey, created: k.created })) }),
};

export const API_WRITES: Readonly<Record<string, ApiHandler>> = {
  '/api/unlock': async (h, b) => h.unlock(text(b, 'passphrase', MAX_PASSPHRASE_CHARS), b.create === true),
  '/api/keys/create': async (h, b) => {
    const k = await h.createKey(typeof b.label === 'string' ? b.label : '');
    return { label: k.label, publicKey: k.publicKey, created: k.created };
  },
  '/api/lock': async (h) => {
    await h.lock();
    return { locked: true };
  },
  '/api/grants/revoke': async (h, b) => h.revokeSessionGrant(text(b, 'app', MAX_NAME_CHARS)),
  '/api/dmcs/use': async (h, b) => {
    await h.useDmcs(text(b, 'name', MAX_NAME_CHARS));
    return h.dmcs();
  },
  '/api/queue/flush': async (h) => h.flush(),
  // app screens (runtime/ui): POSTs, as they run app code; the view comes back checked and escaped
  '/api/apps/screen': async (h, b) => h.screen(text(b, 'app', MAX_NAME_CHARS)),
  '/api/apps/screen/event': async (h, b) => h.screenEvent(text(b, 'app', MAX_NAME_CHARS), b.event),
  '/api/apps/run': async (h, b) => {
    const result = await h.run(text(b, 'app', MAX_NAME_CHARS), text(b, 'command', MAX_NAME_CHARS), b.args ?? {});
    return { result: resultText(result) };
  },
};
