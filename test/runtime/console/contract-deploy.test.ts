// The console host's deployment: refused while locked and for a bad account name before anything
// is read; one at a time — a second deployment while a folder is being built in the compile worker
// is BUSY, and once the first has finished (here: refused for want of a DMCS) the next may start.
// (The deployment itself, through the dialog into a block: test/e2e/console-contracts-browser.test.ts.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { ConsoleError, ConsoleHost } from '../../../runtime/console/index.js';
import { scaffold, templatesDir } from '../../../runtime/cli/scaffold.js';
import { CodedError } from '../../../lib/coded-error.js';
import { tempHome, cleanup } from '../helpers.js';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.instance(err, CodedError, String(err));
    return (err as CodedError<string>).code;
  }
  throw new Error('expected a refusal');
}

test('locked, a bad name, then one deployment at a time', async () => {
  const home = tempHome('console-deploy');
  const host = await ConsoleHost.open({ home, insecureTestKdf: true, flusher: false });
  try {
    assert.is(await code(host.deployContract('carol', { stock: 'dpay' })), 'LOCKED');
    await host.unlock('console pass', true);
    assert.is(await code(host.deployContract('Not A Name', { stock: 'dpay' })), 'BAD_ARGUMENT');
    const dir = join(home, 'mycontract');
    await scaffold([join(templatesDir(), 'contract')], dir, { NAME: 'mycontract' });
    const first = code(host.deployContract('mycontract', { folder: dir }));
    const second = await code(host.deployContract('mycontract', { stock: 'dpay' }));
    assert.is(second, 'BUSY');
    // the build finishes; with no DMCS registered the deployment is refused by dispatch, typed
    const firstCode = await first;
    assert.ok(firstCode !== 'BUSY' && firstCode !== 'INTERNAL', firstCode);
    const third = await code(host.deployContract('mycontract', { stock: 'dpay' }));
    assert.is(third, firstCode, 'no longer busy: the same refusal as the first');
  } finally {
    await host.close();
    cleanup(home);
  }
});

test('ConsoleError codes of the Contracts page answer with their HTTP status', () => {
  assert.is(new ConsoleError('BUSY', 'x').status, 409);
  assert.is(new ConsoleError('TOO_LARGE', 'x').status, 413);
});

test.run();
