/**
 * What the user sees before an app's transaction is signed ("what you see is what you sign"):
 * rendered by the host, never by the app. The app's identity comes from its installed manifest and
 * module hash; each action is decoded from the exact bytes being signed with the contract's ABI
 * from the DMCS. Strings inside action data (a memo) are shown quoted and escaped, cut at
 * `MAX_CONFIRMATION_VALUE_CHARS`, so an app cannot forge lines of the confirmation; ABI field names
 * and every other string are escaped for a terminal (lib/terminal-text.ts).
 */
import { MAX_CONFIRMATION_VALUE_CHARS } from './limits.js';
import { terminalJson, terminalText } from '../../lib/terminal-text.js';

/** A field name from the contract's ABI (the publisher chose it): 64 chars — real ones are identifiers. */
const MAX_FIELD_NAME_CHARS = 64;

export interface AppIdentity {
  name: string;
  version: string;
  publisher: string;
  /** sha256 of the installed module, hex. */
  sha256?: string;
  /** The installed app's identity (runtime/app-identity); the vault's grant must carry the same. */
  identity?: string;
}

export interface DecodedAction {
  account: string;
  name: string;
  authorization: string[];
  data: unknown;
}

/** Text the host itself rendered for a field (e.g. a sealed field's plaintext, already quoted): shown as is. */
export class HostText {
  constructor(readonly text: string) {}
}

function show(v: unknown): string {
  // JSON escapes C0 controls but not bidi overrides, C1 or invisible characters: terminalJson does.
  const s = terminalJson(
    JSON.stringify(v, (_k, x: unknown) =>
      typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x,
    ) ?? terminalText(String(v)),
  );
  return s.length > MAX_CONFIRMATION_VALUE_CHARS ? `${s.slice(0, MAX_CONFIRMATION_VALUE_CHARS)}… (cut)` : s;
}

function fields(data: unknown): string {
  if (data && typeof data === 'object' && !Array.isArray(data) && !(data instanceof Uint8Array)) {
    return Object.entries(data as Record<string, unknown>)
      .map(
        ([k, v]) =>
          `${terminalText(k, MAX_FIELD_NAME_CHARS)}: ${v instanceof HostText ? v.text : typeof v === 'string' && /^[a-z1-5.]{1,13}$|^-?\d+(\.\d+)? [A-Z]{1,7}$/.test(v) ? v : show(v)}`,
      )
      .join(', ');
  }
  return show(data);
}

export function renderConfirmation(o: {
  app: AppIdentity;
  account: string;
  permission: string;
  dmcs: string;
  chainId: string;
  actions: DecodedAction[];
}): string[] {
  return [
    `app: ${terminalText(o.app.name)} ${terminalText(o.app.version)} (publisher ${terminalText(o.app.publisher)}${o.app.sha256 ? `, module ${o.app.sha256.slice(0, 16)}…` : ''})`,
    `signs as: ${o.account}@${o.permission} on DMCS '${o.dmcs}' (chain ${o.chainId.slice(0, 12)}…)`,
    ...o.actions.map((a, i) => `action ${i + 1}: ${terminalText(a.account)}::${terminalText(a.name)} — ${fields(a.data)}`),
  ];
}
