// Helpers for apps that act as the session's Antelope account.
import { Outcome, fail } from "./outcome";

/**
 * Whether `s` is a plausible Antelope account name: 1–12 characters of a–z, 1–5 and '.', not
 * ending in '.'. Apps check names they put into actions; the chain still has the last word.
 */
export function isAccountName(s: string): bool {
  if (s.length < 1 || s.length > 12) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 49 && c <= 53) || c == 46)) return false;
  }
  return s.charCodeAt(s.length - 1) != 46;
}

/** The typed error every app returns when `ual.account` says nobody is logged in. */
export function noSession(): Outcome {
  return fail("NO_SESSION", "nobody is logged in: run 'peeros login ACCOUNT' first");
}
