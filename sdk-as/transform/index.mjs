// The PeerOS SDK's AssemblyScript transform (asc's Transform API, `afterParse`): reads decorated
// declarations and generates the code and descriptions that were written by hand before, so a
// contract's actions and an app's commands are written once, as typed functions.
//   contractTransform(onAbi)     @contract / @action / @notify / @table / @singleton / @variant
//   appTransform(onCommands)     @command
// The host passes the transform to asc itself (`transforms: [...]`, never `--transform`): it is
// the host's own file, and nothing from a contract or app folder is loaded as code. Written as
// plain ES modules because asc loads transforms as such and the build scripts that compile the
// stock contracts (scripts/build.d) import it before and without tsc's output.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateApp } from './app-codegen.mjs';
import { generateContract } from './contract-codegen.mjs';
import { reparse, userSources } from './source-edit.mjs';

/** The SDK folder (sdk-as/). */
export const SDK_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** A transform class that generates a contract's dispatch and ABI; `onAbi(abi)` receives the ABI (none: no @contract). */
export function contractTransform(onAbi) {
  return class ContractTransform {
    afterParse(parser) {
      const sources = userSources(parser, this.baseDir, SDK_DIR);
      const out = generateContract(sources, this.baseDir, SDK_DIR);
      if (!out) return;
      for (const e of out.edits) reparse(parser, e);
      onAbi(out.abi);
    }
  };
}

/** A transform class that generates an app's command table; `onCommands(table)` receives it (none: no @command). */
export function appTransform(onCommands) {
  return class AppTransform {
    afterParse(parser) {
      const sources = userSources(parser, this.baseDir, SDK_DIR);
      const out = generateApp(sources, this.baseDir, SDK_DIR);
      if (!out) return;
      for (const e of out.edits) reparse(parser, e);
      onCommands(out.commands);
    }
  };
}
