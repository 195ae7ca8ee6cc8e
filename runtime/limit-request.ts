/**
 * Resource limits an app asks for above the defaults: a request the user grants at install, like a
 * capability. An app that raises its CPU deadline to 30 s or its memory to 256 MiB can hold a core
 * or a quarter GiB per call; the consent screen must say so instead of "requests no capabilities".
 * Limits lower than the default only restrict the app and need no consent.
 */
import { DEFAULT_LIMITS, HOST_MAXIMA, WASM_PAGE_BYTES, type AppLimits } from './limits.js';

/** One limit the manifest raises above its default. */
export interface RaisedLimit {
  limit: keyof AppLimits;
  /** What the manifest asks for. */
  value: number;
  default: number;
  hostMaximum: number;
}

/** The limits in `requested` (a manifest's `limits`) that are above the default, in a fixed order. */
export function raisedLimits(requested: Partial<AppLimits> | undefined): RaisedLimit[] {
  const out: RaisedLimit[] = [];
  for (const limit of Object.keys(DEFAULT_LIMITS) as (keyof AppLimits)[]) {
    const value = requested?.[limit];
    if (typeof value === 'number' && value > DEFAULT_LIMITS[limit])
      out.push({ limit, value, default: DEFAULT_LIMITS[limit], hostMaximum: HOST_MAXIMA[limit] });
  }
  return out;
}

function bytes(n: number): string {
  if (n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

function ms(n: number): string {
  return n % 1000 === 0 ? `${n / 1000} s` : `${n} ms`;
}

const RENDER: Record<keyof AppLimits, { label: string; unit: (n: number) => string }> = {
  cpuMs: { label: 'CPU per call', unit: ms },
  memoryPages: { label: 'memory', unit: (pages) => bytes(pages * WASM_PAGE_BYTES) },
  hostCallBytes: { label: 'data per host call', unit: bytes },
  msgpackDepth: { label: 'value nesting depth', unit: String },
};

/** One line for the consent screen, e.g. `CPU per call 30 s (default 1 s, host maximum 30 s)`. */
export function describeRaisedLimit(r: RaisedLimit): string {
  const { label, unit } = RENDER[r.limit];
  return `${label} ${unit(r.value)} (default ${unit(r.default)}, host maximum ${unit(r.hostMaximum)})`;
}
