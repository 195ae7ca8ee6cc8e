/**
 * Every fuzz target, one per decoder of untrusted bytes (docs/fuzzing.md lists them): each one
 * its loader in loaders.ts names, so the list is written once. Importing this loads them all (the
 * driver's listing and the smoke test); a target's own process and thread load only theirs.
 */
import type { FuzzTarget } from '../target.js';
import { TARGET_LOADERS } from './loaders.js';

export const TARGETS: readonly FuzzTarget[] = await Promise.all(Object.values(TARGET_LOADERS).map((load) => load()));
