// A real `peeros agent` child process for the wallet-agent tests: started on a fresh home holding the
// dev key, optionally under a terminal (`script`) so its terminal verifier asks; and keosd calls to it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { DEV_PRIVATE_KEY } from '../../dmcs/index.js';
import { ROOT, tempHome } from './world.js';

const BIN = join(ROOT, 'bin/peeros.js');
export const AGENT_PASSPHRASE = 'agent passphrase';
export const CHAIN_ID = 'aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906';

export type AgentAddress = { socketPath: string } | { port: number; token?: string };

export interface AgentProcess {
  home: string;
  child: ChildProcess;
  /** stdout and stderr so far (under a terminal: everything the terminal showed). */
  output(): string;
  socketPath: string;
  port: number;
  stop(): Promise<void>;
}

/** True when `script` can give the agent a terminal (util-linux). */
export function haveTerminal(): boolean {
  return spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A fresh home whose vault holds the dev key, and the environment that unlocks it. */
export function agentHome(): { home: string; env: NodeJS.ProcessEnv } {
  const home = tempHome('agent');
  const env = { ...process.env, PEEROS_HOME: home, PEEROS_PASSPHRASE: AGENT_PASSPHRASE };
  const imported = spawnSync(process.execPath, [BIN, 'key', 'import', '--label', 'dev'], { env, input: DEV_PRIVATE_KEY, encoding: 'utf8' });
  assert.is(imported.status, 0, imported.stderr);
  return { home, env };
}

/** Runs `peeros agent ARGS` in `env` to its end (one that refuses to start): exit code and stderr. */
export function runAgent(env: NodeJS.ProcessEnv, args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'agent', ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr };
}

/**
 * Starts `peeros agent --listen 127.0.0.1:0 ARGS`; `terminal`: under `script`, its stdin the
 * terminal's keyboard; `nodeArgs`: options of its node (a preloaded probe).
 */
export async function startAgent(opts: { args?: string[]; terminal?: boolean; nodeArgs?: string[] } = {}): Promise<AgentProcess> {
  const { home, env } = agentHome();
  const argv = [process.execPath, ...(opts.nodeArgs ?? []), BIN, 'agent', '--listen', '127.0.0.1:0', ...(opts.args ?? [])];
  const child = opts.terminal
    ? spawn('script', ['-qec', argv.map((a) => `'${a}'`).join(' '), '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const closed = new Promise((r) => child.once('close', r));
      child.kill('SIGINT');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await closed;
      clearTimeout(t);
    }
    rmSync(home, { recursive: true, force: true });
  };
  const end = Date.now() + 60_000;
  while (!/wallet API on http/.test(out)) {
    if (Date.now() > end || child.exitCode !== null) {
      await stop();
      assert.unreachable(`the agent did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    home,
    child,
    output: () => out,
    socketPath: /unix:\/\/(\S+?)\s/.exec(out)![1]!,
    port: Number(/http:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1]),
    stop,
  };
}

/** One keosd call: POST /v1/wallet/METHOD with `body` as JSON. */
export function call(where: AgentAddress, method: string, body: unknown): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if ('token' in where && where.token) headers['x-peeros-agent-token'] = where.token;
    const req = request(
      {
        ...('socketPath' in where ? { socketPath: where.socketPath } : { host: '127.0.0.1', port: where.port }),
        path: `/v1/wallet/${method}`,
        method: 'POST',
        headers,
      },
      (res) => {
        let text = '';
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Waits until `cond` holds, failing the test after `ms` with `what` it was waiting for. */
export async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.unreachable(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An unsigned transaction of one eosio::updateauth whose data ends with `tag` (hex), so each tag is another digest. */
export function updateauthTx(tag = ''): Record<string, unknown> {
  return {
    expiration: '2030-01-01T00:00:00',
    ref_block_num: 1,
    ref_block_prefix: 2,
    max_net_usage_words: 0,
    max_cpu_usage_ms: 0,
    delay_sec: 0,
    context_free_actions: [],
    actions: [
      { account: 'eosio', name: 'updateauth', authorization: [{ actor: 'alice', permission: 'active' }], data: `0000000000855c34${tag}` },
    ],
    transaction_extensions: [],
    signatures: [],
    context_free_data: [],
  };
}
