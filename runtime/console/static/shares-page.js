// The Shares page: this host's peer-to-peer shares (docs/fs.md), as `peeros share list` shows them —
// what it shares (app, path, to, served or revoked, size) with **Revoke**, and what it synced for
// you (from, app, path, the position its last sync verified, when) — and **Sync now**, one share
// cycle at once (publish new writes, stop serving shares unshared on chain, sync the shares sent to
// you), when this console serves shares (--share-listen). As in console.js, every string is set as
// text: app names, paths and accounts come from apps and from chain rows.

/** A byte count as people read it. */
function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The outcome of one share cycle, as lines of text. */
function reportLines(r) {
  const lines = [`published ${r.published} changed file(s)`];
  if (r.revoked.length) lines.push(`revoked (unshared on chain): ${r.revoked.join(', ')}`);
  for (const [app, list] of Object.entries(r.synced))
    for (const s of list)
      lines.push(
        s.error
          ? `${app}: ${s.from} ${s.path} failed: ${s.error}`
          : `${app}: ${s.from} ${s.path} saved ${s.saved.length}, removed ${s.removed.length}`,
      );
  for (const e of r.errors) lines.push(`error: ${e}`);
  return lines;
}

/** What an outgoing share's status cell says. */
function status(s, serving) {
  if (s.revoked) return 'revoked';
  if (s.servedHere) return `served here (${s.at ?? serving.announce})`;
  return s.at ? `active, names ${s.at} (served while a share host runs there)` : 'active';
}

export async function sharesPage({ el, api, say }, refresh) {
  const { serving, outgoing, incoming } = await api('/api/shares');
  const report = el('pre', { class: 'result', id: 'share-report', hidden: true });

  const sync = el(
    'button',
    {
      class: 'action',
      type: 'button',
      id: 'share-sync',
      onclick: async () => {
        sync.disabled = true;
        say('syncing shares…');
        try {
          const { report: r } = await api('/api/shares/sync', {});
          say('share cycle done');
          await refresh();
          // the page was redrawn: show the report on the new one
          const shown = document.getElementById('share-report');
          if (shown) {
            shown.textContent = reportLines(r).join('\n');
            shown.hidden = false;
          }
        } catch (e) {
          say(e.message, true);
          sync.disabled = false;
        }
      },
    },
    'Sync now',
  );

  const revoke = (s) =>
    el(
      'button',
      {
        class: 'action secondary share-revoke',
        type: 'button',
        onclick: async () => {
          if (!confirm(`Stop sharing ${s.path} with ${s.to}? This cannot be undone: to share it again, share it anew.`)) return;
          try {
            await api('/api/shares/revoke', { id: s.id });
            say(`revoked: ${s.path} is no longer served to ${s.to} (what ${s.to} synced stays theirs)`);
            await refresh();
          } catch (e) {
            say(e.message, true);
          }
        },
      },
      'Revoke',
    );

  return [
    el('h1', {}, 'Shares'),
    serving
      ? el(
          'p',
          { class: 'note', id: 'share-serving' },
          `serving peer-to-peer shares on ${serving.listen}`,
          serving.announce !== serving.listen ? ` (descriptors name ${serving.announce})` : '',
          '; a share cycle runs every 10 s',
        )
      : el(
          'p',
          { class: 'note', id: 'share-serving' },
          'This console does not serve shares: start it with --share-listen HOST:PORT to serve them and sync the ones sent to you (or run peeros share serve and peeros share sync in a terminal).',
        ),
    serving ? el('p', {}, sync) : null,
    report,
    el('h2', {}, 'Shared by this host'),
    outgoing.length
      ? el(
          'table',
          { id: 'shares-out', class: 'share-table' },
          el(
            'tr',
            {},
            el('th', {}, 'app'),
            el('th', {}, 'path'),
            el('th', {}, 'to'),
            el('th', {}, 'status'),
            el('th', {}, 'size'),
            el('th', {}, 'shared'),
            el('th'),
          ),
          outgoing.map((s) =>
            el(
              'tr',
              { 'data-share': s.id },
              el('td', { class: 'app-text' }, s.app),
              el('td', { class: 'app-text share-path' }, s.folder ? `${s.path}/` : s.path),
              el('td', { class: 'app-text' }, s.to),
              el('td', { class: 'share-status' }, status(s, serving)),
              el('td', {}, s.revoked ? '' : `${size(s.bytes)}, ${s.blocks} blocks`),
              el('td', {}, new Date(s.made).toLocaleString()),
              el('td', {}, s.revoked ? '' : revoke(s)),
            ),
          ),
        )
      : el('p', { class: 'note', id: 'no-shares-out' }, 'Nothing shared peer to peer from this host yet.'),
    el('h2', {}, 'Synced for you'),
    incoming.length
      ? el(
          'table',
          { id: 'shares-in', class: 'share-table' },
          el(
            'tr',
            {},
            el('th', {}, 'from'),
            el('th', {}, 'app'),
            el('th', {}, 'path'),
            el('th', {}, 'synced position'),
            el('th', {}, 'files'),
            el('th', {}, 'last sync'),
          ),
          incoming.map((s) =>
            el(
              'tr',
              { 'data-core': s.core },
              el('td', { class: 'app-text' }, s.from),
              el('td', { class: 'app-text' }, s.app),
              el('td', { class: 'app-text share-path' }, s.folder ? `${s.path}/` : s.path),
              el('td', {}, `${s.blocks} blocks, ${size(s.bytes)}`),
              el('td', {}, String(s.files)),
              el('td', {}, new Date(s.synced).toLocaleString()),
            ),
          ),
        )
      : el('p', { class: 'note', id: 'no-shares-in' }, 'No shares synced for you yet.'),
  ];
}
