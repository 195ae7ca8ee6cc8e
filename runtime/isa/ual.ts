/**
 * `peeros:isa/ual` — the account the host is logged in as (single account model).
 * capability: ual (no scope). Until a session exists (`$PEEROS_HOME/session.json`, written by
 * `peeros login` in a later issue) the answer is `no-session`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import { ACCOUNT_NAME } from '../capabilities.js';
import type { IsaContext, InterfaceImpl } from './context.js';

/** The session's account, or undefined when nobody is logged in. */
export function sessionAccount(home: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(join(home, 'session.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const account = (JSON.parse(text) as { account?: unknown }).account;
    return typeof account === 'string' && ACCOUNT_NAME.test(account) ? account : undefined;
  } catch {
    return undefined;
  }
}

export function createUal(ctx: IsaContext): InterfaceImpl {
  return {
    account(retptr: number): void {
      ctx.checkBytesArea(retptr, 'ual.account');
      const account = sessionAccount(ctx.env.home);
      if (!account) return ctx.errBytes(retptr, IsaErrorCode.NO_SESSION);
      ctx.okBytes(retptr, Buffer.from(account, 'utf8'), 'ual.account');
    },
  };
}
