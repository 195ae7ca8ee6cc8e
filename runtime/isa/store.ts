/**
 * `peeros:isa/store` — an app asks the host to install a dAppStore release. capability:
 * store.install (no scope). The worker only checks the two strings (an app name and a version or
 * `""`, by the manifest's own rules) and forwards them through the host bridge; everything else —
 * the registry row, the fetch, the hash and signature checks, the user's consent in the host's
 * dialog, the install — happens in the main thread (runtime/app-install-request.ts). The app
 * can name a release, never a package, a location or a grant. Without a bridge: `unavailable`.
 */
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import { boundaryPackr } from '../../abi/msgpack/codec.js';
import { APP_NAME, VERSION } from '../manifest.js';
import type { IsaContext, InterfaceImpl } from './context.js';
import { answerFromBridge } from './chain.js';

/** An app name has at most 64 characters (APP_NAME); more bytes cannot be one. */
export const MAX_INSTALL_APP_BYTES = 64;
/** A version string (VERSION) is short; 64 bytes is more than any real one (as the registry contract allows). */
export const MAX_INSTALL_VERSION_BYTES = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readText(ctx: IsaContext, ptr: number, len: number, max: number, what: string): string | undefined {
  ctx.mem.check(ptr, len, what);
  if (len > max) return undefined;
  try {
    return utf8.decode(ctx.mem.u8.subarray(ptr, ptr + len));
  } catch {
    return undefined;
  }
}

export function createStore(ctx: IsaContext): InterfaceImpl {
  return {
    'request-install'(aptr: number, alen: number, vptr: number, vlen: number, retptr: number): void {
      ctx.checkBytesArea(retptr, 'store.request-install');
      const app = readText(ctx, aptr, alen, MAX_INSTALL_APP_BYTES, 'store.request-install app');
      const version = readText(ctx, vptr, vlen, MAX_INSTALL_VERSION_BYTES, 'store.request-install version');
      if (app === undefined || version === undefined || !APP_NAME.test(app) || (version !== '' && !VERSION.test(version)))
        return ctx.errBytes(retptr, IsaErrorCode.INVALID_ARGUMENT);
      answerFromBridge(ctx, retptr, 'store.request-install', boundaryPackr.pack({ app, version }), 'store.request-install');
    },
  };
}
