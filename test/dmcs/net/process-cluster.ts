// A cluster of real `peeros node` child processes on loopback for the network tests: start nodes
// from CLI arguments, kill one with any signal (SIGKILL for a crash), restart it on the same data
// folder and p2p port, drive the producers' manual slot clocks (`--slot-clock manual`) slot by
// slot, and wait (bounded) until nodes agree on head, LIB and state digest. Every child is killed
// when the cluster closes, and also if the test process exits without closing it.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { APIClient } from '@wharfkit/antelope';
import { createProducerAccounts, deployGovernor, proposeProducers } from '../schedule.js';

const BIN = fileURLToPath(new URL('../../../../bin/peeros.js', import.meta.url));

export type Digest = {
  head_block_num: number;
  head_block_id: string;
  last_irreversible_block_num: number;
  state_digest: string;
  pending_transactions: number;
};
export type Head = { num: number; id: string; lib: number; timestamp: number; producer: string };

/** One `peeros node` process as it reported itself on start (`--json`). */
export interface NodeProcess {
  readonly label: string;
  readonly args: readonly string[];
  child: ChildProcess;
  endpoint: string;
  p2p: string | null;
  /** HOST:PORT of its manual slot clock, when it runs on one. */
  slotClock: string | null;
  producers: Array<{ name: string; key: string }>;
  stderr: () => string;
  alive: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export class ProcessCluster {
  readonly nodes: NodeProcess[] = [];

  /** Starts `peeros node --http 127.0.0.1:0 --json ARGS…` and waits for its start-up line. */
  async start(label: string, args: readonly string[], startTimeoutMs = 60_000): Promise<NodeProcess> {
    const n = await spawnNode(label, args, startTimeoutMs);
    this.nodes.push(n);
    return n;
  }

  /** Sends `signal` and waits for the exit. */
  async kill(n: NodeProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!n.alive) return;
    const exited = new Promise((r) => n.child.once('exit', r));
    n.child.kill(signal);
    await exited;
  }

  /** Starts a stopped node again with its own arguments, its p2p listener on the same address (peers redial it). */
  async restart(n: NodeProcess): Promise<NodeProcess> {
    if (n.alive) throw new Error(`${n.label} is running`);
    const args = [...n.args];
    const at = args.indexOf('--p2p-listen');
    if (at >= 0 && n.p2p) args[at + 1] = n.p2p;
    const again = await spawnNode(n.label, args, 60_000);
    Object.assign(n, { child: again.child, endpoint: again.endpoint, p2p: again.p2p, slotClock: again.slotClock, stderr: again.stderr });
    n.alive = true;
    again.child.once('exit', () => {
      n.alive = false;
    });
    return n;
  }

  get running(): NodeProcess[] {
    return this.nodes.filter((n) => n.alive);
  }

  /** Drives `slot` on every running node with a manual clock; returns the block made, if any. */
  async tick(slot: number): Promise<{ num: number; id: string; producer: string; by: NodeProcess } | null> {
    let made: { num: number; id: string; producer: string; by: NodeProcess } | null = null;
    for (const n of this.running) {
      if (!n.slotClock) continue;
      const r = await fetch(`http://${n.slotClock}/slot`, { method: 'POST', body: JSON.stringify({ slot }) });
      const body = (await r.json()) as { produced: { num: number; id: string; producer: string } | null; error?: string };
      if (!r.ok) throw new Error(`${n.label}: slot ${slot}: ${body.error}`);
      if (body.produced) made = { ...body.produced, by: n };
    }
    return made;
  }

  /** A node's head through its clock (cheap) or, without one, its state digest. */
  async head(n: NodeProcess): Promise<{ num: number; id: string; lib: number }> {
    if (n.slotClock) return this.clockHead(n);
    const d = await digestOf(n);
    return { num: d.head_block_num, id: d.head_block_id, lib: d.last_irreversible_block_num };
  }

  /** The head as a node on a manual clock reports it (GET /head). */
  async clockHead(n: NodeProcess): Promise<Head> {
    return (await (await fetch(`http://${n.slotClock}/head`)).json()) as Head;
  }

  /** Waits until every node of `among` has block `id` as its head (bounded). */
  async waitHead(id: string, among: readonly NodeProcess[], timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const heads = await Promise.all(among.map((n) => this.head(n)));
      if (heads.every((h) => h.id === id)) return;
      if (Date.now() > until)
        throw new Error(`head ${id.slice(0, 12)} not everywhere: ${among.map((n, i) => `${n.label} ${heads[i]!.num}`).join(', ')}`);
      await sleep(5);
    }
  }

  /**
   * Runs `count` slots from `from + 1`: the running node whose producer owns a slot makes its block,
   * and the slot ends once every running producer has it (missed slots of stopped nodes are skipped).
   * Returns the last slot driven.
   */
  async runSlots(from: number, count: number): Promise<number> {
    let slot = from;
    for (let i = 0; i < count; i++) {
      const made = await this.tick(++slot);
      if (made)
        await this.waitHead(
          made.id,
          this.running.filter((n) => n.slotClock),
        );
    }
    return slot;
  }

  /**
   * Runs `count` slots from `from + 1` on a split network: a block made on one side has to reach
   * that side only (bounded by `timeoutMs` a block). Returns the last slot driven.
   */
  async runSplit(from: number, count: number, sides: readonly (readonly NodeProcess[])[], timeoutMs?: number): Promise<number> {
    let slot = from;
    for (let i = 0; i < count; i++) {
      const made = await this.tick(++slot);
      const side = made && sides.find((s) => s.includes(made.by));
      if (made && side) await this.waitHead(made.id, side, timeoutMs);
    }
    return slot;
  }

  /**
   * Bootstraps the schedule of `producers` (each a node holding one producer's key) from `genesis`,
   * the node driven for eosio's slots (every --dev node holds eosio's key, so only it is driven):
   * accounts, the governor contract, the proposal, then eosio's slots until the new schedule takes
   * over. Returns the last slot driven (the next one belongs to the new schedule).
   */
  async bootstrapSchedule(genesis: NodeProcess, producers: readonly NodeProcess[]): Promise<number> {
    const client = new APIClient({ url: genesis.endpoint });
    const schedule = producers.map((p) => p.producers[0]!);
    await createProducerAccounts(
      client,
      schedule.map((p) => p.name),
      (n) => schedule.find((p) => p.name === n)!.key,
    );
    await deployGovernor(client);
    await proposeProducers(client, schedule);
    let slot = (await this.clockHead(genesis)).timestamp;
    for (let i = 0; ; i++) {
      if (i > 200) throw new Error('the producer schedule did not become active');
      slot++;
      const r = await fetch(`http://${genesis.slotClock}/slot`, { method: 'POST', body: JSON.stringify({ slot }) });
      const { produced } = (await r.json()) as { produced: { id: string; producer: string } | null };
      if (produced?.producer === 'eosio') {
        await this.waitHead(produced.id, producers);
        continue;
      }
      return slot - 1; // the slot belongs to the new schedule: driven again for every node
    }
  }

  /** Waits until every node of `among` gives the same head id, LIB and state digest, and `enough` holds (bounded). */
  async converge(among: readonly NodeProcess[], timeoutMs: number, enough: (d: Digest) => boolean = () => true): Promise<Digest> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const views = await Promise.all(among.map((n) => digestOf(n).catch(() => null)));
      const first = views[0];
      if (
        first &&
        views.every(
          (v) =>
            v !== null &&
            v.head_block_id === first.head_block_id &&
            v.state_digest === first.state_digest &&
            v.last_irreversible_block_num === first.last_irreversible_block_num,
        ) &&
        enough(first)
      )
        return first;
      if (Date.now() > until)
        throw new Error(
          `no convergence: ${among.map((n, i) => `${n.label} ${views[i] ? `${views[i]!.head_block_num}/${views[i]!.last_irreversible_block_num} ${views[i]!.head_block_id.slice(8, 16)} ${views[i]!.state_digest.slice(0, 8)} pending ${views[i]!.pending_transactions}` : 'down'}`).join(' | ')}`,
        );
      await sleep(50);
    }
  }

  /** Kills every child (SIGKILL) and waits for them. */
  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.kill(n)));
  }
}

export async function digestOf(n: NodeProcess): Promise<Digest> {
  return (await (await fetch(`${n.endpoint}/v1/peeros/state_digest`)).json()) as Digest;
}

function spawnNode(label: string, args: readonly string[], startTimeoutMs: number): Promise<NodeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'node', '--http', '127.0.0.1:0', '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    let out = '';
    let err = '';
    let started: NodeProcess | null = null;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label} did not start within ${startTimeoutMs} ms: ${err.slice(-500)}`));
    }, startTimeoutMs);
    child.stderr!.on('data', (d) => {
      err += d;
      if (err.length > 200_000) err = err.slice(-100_000); // keep the tail only
    });
    child.stdout!.on('data', (d) => {
      out += d;
      const line = started ? undefined : out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        const doc = JSON.parse(line) as {
          endpoint: string;
          p2p: string | null;
          slotClock: string | null;
          producers: NodeProcess['producers'];
        };
        started = {
          label,
          args,
          child,
          endpoint: doc.endpoint,
          p2p: doc.p2p,
          slotClock: doc.slotClock,
          producers: doc.producers,
          stderr: () => err,
          alive: true,
        };
        resolve(started);
      }
    });
    child.on('exit', (code, signal) => {
      live.delete(child);
      clearTimeout(timer);
      if (started) started.alive = false;
      else reject(new Error(`${label} exited with ${code ?? signal}: ${err.slice(-1000)}`));
    });
  });
}
