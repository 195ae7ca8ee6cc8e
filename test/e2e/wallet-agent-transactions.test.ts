// Hostile transactions sent to `peeros agent`'s sign_transaction, through its real terminal verifier
// (the agent under a terminal): context-free actions are signed too, so the user must see them
// (before: the prompt showed only the regular actions), and a transaction of more actions than a
// person can review is refused without a prompt (before: 5,342 actions, 16,032 prompt lines).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_SIGN_ACTIONS } from '../../runtime/cli/wallet-agent-limits.js';
import { CHAIN_ID, call, haveTerminal, startAgent, until, updateauthTx } from './wallet-agent-process.js';

(haveTerminal() ? test : test.skip)(
  'context-free actions are shown before approval; too many actions are refused without a prompt',
  async () => {
    const agent = await startAgent({ terminal: true });
    try {
      const sock = { socketPath: agent.socketPath };
      const keys = (await call(sock, 'get_public_keys', {})).json as string[];
      const base = updateauthTx();
      const action = (base.actions as Record<string, unknown>[])[0]!;

      const tooMany = { ...base, actions: Array(MAX_SIGN_ACTIONS + 1).fill(action) };
      const refused = await Promise.race([
        call(sock, 'sign_transaction', [tooMany, keys, CHAIN_ID]),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer in 5 s: the user was asked')), 5000)),
      ]);
      assert.is(refused.json.error?.name, 'invalid_arg_exception');
      assert.match(refused.json.error.what, /at most 100/);
      assert.not.match(agent.output(), /Sign this transaction\?/, 'no prompt for a transaction nobody can review');

      const hidden = { ...base, context_free_actions: [{ ...action, account: 'hiddencfa', name: 'drain', authorization: [] }] };
      const answer = call(sock, 'sign_transaction', [hidden, keys, CHAIN_ID]);
      await until('the prompt', () => /Sign this transaction\?/.test(agent.output()));
      assert.match(agent.output(), /context-free actions/);
      assert.match(agent.output(), /hiddencfa::drain/, 'the context-free action the user signs is shown');
      agent.child.stdin!.write('n\r');
      assert.is((await answer).json.error?.name, 'tx_not_approved');
    } finally {
      await agent.stop();
    }
  },
);

test.run();
