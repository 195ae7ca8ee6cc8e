// `peeros console` as a process: it prints exactly one line (the address with its secret), serves
// on the port it names, refuses to listen beyond loopback with a usage error, and stops cleanly on
// SIGTERM.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { ROOT, tempHome } from './world.js';
import { runCli } from './measured-cli.js';

function status(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

test('prints one line with the address, serves it, and exits 0 on SIGTERM', async () => {
  const home = tempHome('console-cli');
  try {
    const child = spawn(process.execPath, [join(ROOT, 'bin/peeros.js'), 'console', '--no-open', '--listen', '127.0.0.1:0'], {
      env: { ...process.env, PEEROS_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address in 60 s: ${err}`)), 60_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const m = /^console: http:\/\/127\.0\.0\.1:(\d+)\/#([\w-]{43})\n$/.exec(out);
    assert.ok(m, `one line with the address: ${JSON.stringify(out)}`);
    const port = Number(m![1]);
    assert.ok(port > 0, 'port 0 became a real port');
    assert.is(await status(port, `127.0.0.1:${port}`), 200);
    assert.is(await status(port, 'evil.example'), 403);
    child.kill('SIGTERM');
    assert.is(await exited, 0, err);
    assert.is(out.split('\n').length, 2, 'nothing else on stdout');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('--listen beyond loopback is a usage error naming why', async () => {
  const home = tempHome('console-cli');
  try {
    for (const listen of ['0.0.0.0:0', '192.168.1.2:8080', 'example.com:80']) {
      const r = await runCli(['console', '--no-open', '--listen', listen], { PEEROS_HOME: home }, 60_000);
      assert.is(r.code, 2, listen);
      assert.match(r.err, /loopback only/);
      assert.is(r.out, '');
    }
    const bad = await runCli(['console', '--no-open', '--listen', 'nonsense'], { PEEROS_HOME: home }, 60_000);
    assert.is(bad.code, 2);
    assert.match(bad.err, /HOST:PORT/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test.run();
