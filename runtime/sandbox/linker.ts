/**
 * The linker: decides, before anything runs, which host functions a module gets — deny by default.
 *
 * For every import the module declares (checked at install and again at every instantiation):
 * - it must be a function of the ISA import table generated from WIT (`isa/generated/imports.ts`),
 *   else LINK_ERROR naming it (unknown import);
 * - its capability must be granted to the app, else CAPABILITY_DENIED naming the import and the
 *   capability;
 * - its core signature must be exactly the generated one (a JS function accepts any signature, so
 *   V8 would not catch it), else LINK_ERROR;
 * - the host must implement it, else LINK_ERROR (the WIT and the host drifted apart).
 * Exports are checked too: `memory`, `cabi_realloc: (i32 i32 i32 i32) -> i32`, the command export
 * `(i32 i32 i32 i32) -> i32` and the optional post-return `(i32) -> ()`.
 *
 * Only the imports a module declares are built, so an app never holds a function it did not link.
 */
import { ISA_IMPORTS, COMMAND_EXPORT, COMMAND_POST_RETURN, type IsaImport } from '../../isa/generated/imports.js';
import { HostError } from '../errors.js';
import type { Grants } from '../capabilities.js';
import { ISA_IMPLEMENTATIONS, IsaContext, type InterfaceImpl } from '../isa/index.js';
import { resolveLimits } from '../limits.js';
import { formatType, sameType, type ModuleInfo } from './wasm-sections.js';

export const REALLOC_EXPORT = 'cabi_realloc';
export const MEMORY_EXPORT = 'memory';

const BY_KEY = new Map<string, IsaImport>(ISA_IMPORTS.map((i) => [`${i.module}\u0000${i.name}`, i]));

/** The ISA import a core import (module, name) refers to, if any. */
export function findIsaImport(module: string, name: string): IsaImport | undefined {
  return BY_KEY.get(`${module}\u0000${name}`);
}

/** True when the host implements `imp` (drift check). */
export function hasImplementation(imp: IsaImport): boolean {
  const factory = ISA_IMPLEMENTATIONS[imp.interface];
  return !!factory && PROBE.has(`${imp.interface}.${imp.func}`);
}

// Which functions each factory provides, found once by creating them over an unbound context
// (factories only capture the context; nothing runs until the guest calls).
const PROBE = new Set<string>();
{
  const idle = new IsaContext('(probe)', {}, resolveLimits(undefined), { home: '', dataDir: '', logLevel: 0, logSink: () => {} });
  for (const [iface, factory] of Object.entries(ISA_IMPLEMENTATIONS)) {
    for (const f of Object.keys(factory(idle))) PROBE.add(`${iface}.${f}`);
  }
}

/** Checks the module's exports; throws LINK_ERROR naming the first problem. */
export function checkExports(info: ModuleInfo, app: string): void {
  const exp = (name: string) => info.exports.find((e) => e.name === name);
  const mem = exp(MEMORY_EXPORT);
  if (mem?.kind !== 'memory') throw HostError.linkError(`app '${app}': the module must export its memory as '${MEMORY_EXPORT}'`, app);
  const want = (name: string, params: string[], results: string[], optional = false) => {
    const e = exp(name);
    if (!e) {
      if (optional) return;
      throw HostError.linkError(`app '${app}': missing export '${name}' ${formatType({ params, results } as never)}`, app);
    }
    if (e.kind !== 'func' || !sameType(e.type, params, results)) {
      throw HostError.linkError(
        `app '${app}': export '${name}' has signature ${e.kind === 'func' ? formatType(e.type) : `(a ${e.kind})`}, expected ${formatType({ params, results } as never)}`,
        app,
      );
    }
  };
  want(REALLOC_EXPORT, ['i32', 'i32', 'i32', 'i32'], ['i32']);
  want(COMMAND_EXPORT, ['i32', 'i32', 'i32', 'i32'], ['i32']);
  want(COMMAND_POST_RETURN, ['i32'], [], true);
}

/** The ISA imports the module links against its grants; throws on the first refused import. */
export function planImports(info: ModuleInfo, grants: Grants, app: string): IsaImport[] {
  const plan: IsaImport[] = [];
  for (const imp of info.imports) {
    const label = `${imp.module}::${imp.name}`;
    if (imp.kind !== 'func') {
      throw HostError.linkError(`app '${app}': import ${label} is a ${imp.kind}; the ISA imports only functions`, app);
    }
    const isa = findIsaImport(imp.module, imp.name);
    if (!isa) {
      throw HostError.linkError(`app '${app}': unknown import ${label} — not part of the peeros:isa ISA (see isa/ISA.md)`, app);
    }
    if (!Object.hasOwn(grants, isa.capability) || grants[isa.capability] === undefined) {
      throw HostError.capabilityDenied(
        `app '${app}': import ${label} needs capability '${isa.capability}', which is not granted (add it to "capabilities" in peeros.json and reinstall)`,
        { app },
      );
    }
    if (!sameType(imp.type, isa.core.params, isa.core.results)) {
      throw HostError.linkError(
        `app '${app}': import ${label} has signature ${formatType(imp.type)}, expected ${formatType({ params: isa.core.params, results: isa.core.results } as never)}`,
        app,
      );
    }
    if (!hasImplementation(isa)) {
      throw HostError.linkError(`app '${app}': import ${label} has no host implementation (the host and the WIT drifted apart)`, app);
    }
    plan.push(isa);
  }
  return plan;
}

/** Builds the import object for one instance: only the planned imports, bound to `ctx`. */
export function buildImports(plan: readonly IsaImport[], ctx: IsaContext): WebAssembly.Imports {
  const impls = new Map<string, InterfaceImpl>();
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  for (const isa of plan) {
    let impl = impls.get(isa.interface);
    if (!impl) {
      impl = ISA_IMPLEMENTATIONS[isa.interface]!(ctx);
      impls.set(isa.interface, impl);
    }
    (imports[isa.module] ??= {})[isa.name] = impl[isa.func] as unknown as WebAssembly.ImportValue;
  }
  return imports;
}
