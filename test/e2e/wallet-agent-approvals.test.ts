// `peeros agent` asks the user one sign_transaction at a time, through its real terminal verifier (the
// agent under a terminal): a process sending many at once must not get one "y" to sign them all
// (before: two prompts at once both took the same answer, one "y" signed 906 of 1,000), and past
// MAX_PENDING_SIGNS waiting, more are refused at once instead of queueing prompts for the user.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_PENDING_SIGNS } from '../../runtime/cli/wallet-agent-limits.js';
import { CHAIN_ID, call, haveTerminal, startAgent, until, updateauthTx } from './wallet-agent-process.js';

const prompts = (text: string) => (text.match(/Sign this transaction\?/g) ?? []).length;

(haveTerminal() ? test : test.skip)(
  'one answer approves one transaction; the requests past the pending bound are refused at once',
  async () => {
    const agent = await startAgent({ terminal: true });
    try {
      const sock = { socketPath: agent.socketPath };
      const keys = (await call(sock, 'get_public_keys', {})).json as string[];
      const sent = MAX_PENDING_SIGNS + 1 + 5; // one asked, MAX_PENDING_SIGNS waiting, 5 too many
      const answers: { i: number; status: number; name?: string }[] = [];
      const all = Array.from({ length: sent }, (_, i) =>
        call(sock, 'sign_transaction', [updateauthTx(i.toString(16).padStart(2, '0')), keys, CHAIN_ID]).then((r) =>
          answers.push({ i, status: r.status, name: r.json.error?.name }),
        ),
      );
      await until('the first prompt and the refusals', () => prompts(agent.output()) >= 1 && answers.length >= 5);
      await new Promise((r) => setTimeout(r, 500));
      assert.is(prompts(agent.output()), 1, 'one prompt on the terminal at a time');
      assert.equal(
        answers.map((a) => [a.status, a.name]),
        Array(5).fill([503, 'wallet_busy_exception']),
        'the requests past the bound are refused without a prompt',
      );

      agent.child.stdin!.write('y\r');
      await until('the first answer', () => answers.length === 6);
      await new Promise((r) => setTimeout(r, 500));
      assert.is(answers.length, 6, `one "y" signed one transaction, not more: ${JSON.stringify(answers)}`);
      assert.is(answers[5]!.status, 201);
      await until('the next prompt', () => prompts(agent.output()) === 2);

      agent.child.stdin!.write('n\r');
      await until('the second answer', () => answers.length === 7);
      assert.is(answers[6]!.name, 'tx_not_approved', 'the next one is asked on its own, and refused by its own answer');
      for (let i = 0; i < MAX_PENDING_SIGNS - 1; i++) {
        await until(`prompt ${i + 3}`, () => prompts(agent.output()) === i + 3);
        agent.child.stdin!.write('n\r');
      }
      await Promise.all(all);
      assert.is(answers.filter((a) => a.status === 201).length, 1);
    } finally {
      await agent.stop();
    }
  },
);

test.run();
