/**
 * `peeros app …`: build, sign, install (with the capability grant and the publisher's identity), list,
 * run and remove apps.
 * Typed failures print one line on stderr with their code and exit 1; usage mistakes exit 2.
 *
 * Each subcommand's code is in its own file (`app-SUB.ts`), imported only when that subcommand runs:
 * `app list` reads the app registry and needs neither the sandbox, the vault, the node nor the
 * compiler that `app install`, `app run` or `app build` load (docs/performance.md, CLI start-up).
 */
import type { CliCommand, CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { definition } from '../definitions/app.js';

type Subcommand = (argv: string[], io: CliIO) => Promise<number>;

/** Each subcommand's code, loaded when it runs (no static import here: that would load it for every `app` call). */
const SUBCOMMANDS: Record<string, () => Promise<Subcommand>> = {
  init: async () => (await import('./app-init.js')).init,
  build: async () => (await import('./app-build.js')).build,
  dev: async () => (await import('./app-dev.js')).dev,
  sign: async () => (await import('./app-sign.js')).sign,
  pack: async () => (await import('./app-pack.js')).pack,
  publish: async () => {
    const { publish } = await import('./app-publish.js');
    return (argv, io) => publish(argv, io, definition);
  },
  yank: async () => {
    const { yank } = await import('./app-publish.js');
    return (argv, io) => yank(argv, io, definition);
  },
  update: async () => {
    const [{ update }, { install }] = await Promise.all([import('./app-update.js'), import('./app-install.js')]);
    return (argv, io) => update(argv, io, definition, install);
  },
  install: async () => (await import('./app-install.js')).install,
  list: async () => (await import('./app-list.js')).list,
  run: async () => (await import('./app-run.js')).run,
  remove: async () => (await import('./app-remove.js')).remove,
};

const NAMES = 'init, build, dev, sign, pack, publish, yank, install, update, list, run or remove';

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined) throw new UsageError(`missing subcommand (${NAMES})`);
    // own keys only: a typed `constructor` or `__proto__` is an unknown subcommand, not a prototype's
    if (!Object.hasOwn(SUBCOMMANDS, sub)) throw new UsageError(`unknown subcommand '${sub}' (${NAMES})`);
    return (await SUBCOMMANDS[sub]!())(rest, io);
  },
};

export default command;
