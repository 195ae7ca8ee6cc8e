/**
 * Where a command-line process gets the vault passphrase, in order: `--passphrase-file PATH`
 * (first line), the `PEEROS_PASSPHRASE` environment variable, or a hidden prompt on the terminal.
 * Never from argv (it would show in `ps` and shell history). Used by `peeros key` and `peeros sign`.
 */
import { readFileSync } from 'node:fs';
import { VaultError } from './error.js';

export interface PassphraseOptions {
  file?: string;
  env: NodeJS.ProcessEnv;
  /** Ask twice and require the same answer (creating a keystore). */
  confirm?: boolean;
  prompt?: string;
}

function fromFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new VaultError('INVALID_ARGUMENT', `cannot read the passphrase file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return text.split(/\r?\n/)[0]!;
}

/** Reads one line from the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    return Promise.reject(
      new VaultError(
        'INVALID_ARGUMENT',
        'a passphrase is needed: set PEEROS_PASSPHRASE, pass --passphrase-file PATH, or run in a terminal',
      ),
    );
  }
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let buf = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(buf);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new VaultError('NOT_APPROVED', 'cancelled'));
        if (ch === '\u007f' || ch === '\b') buf = buf.slice(0, -1);
        else buf += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export async function readPassphrase(o: PassphraseOptions): Promise<string> {
  let p: string;
  if (o.file) p = fromFile(o.file);
  else if (o.env.PEEROS_PASSPHRASE !== undefined) p = o.env.PEEROS_PASSPHRASE;
  else {
    p = await promptHidden(o.prompt ?? 'Vault passphrase: ');
    if (o.confirm && (await promptHidden('Repeat the passphrase: ')) !== p) {
      throw new VaultError('INVALID_ARGUMENT', 'the two passphrases differ; nothing was created');
    }
  }
  if (p.length === 0) throw new VaultError('INVALID_ARGUMENT', 'the passphrase is empty');
  return p;
}
