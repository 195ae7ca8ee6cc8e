/**
 * Watching a project folder for `peeros app build --watch`, `peeros app dev` and `peeros contract build --watch`: one callback per
 * burst of changes (editors write a file in several steps), never two at once, and none for the
 * files the build itself writes (the output folder).
 */
import { watch } from 'node:fs';
import type { CliIO } from './command.js';
import { terminalText } from '../../lib/terminal-text.js';

/** Changes closer together than this are one burst: an editor's save is a write, a rename and a chmod. */
export const WATCH_SETTLE_MS = 150;

export interface FolderWatch {
  close(): void;
}

/** Calls `onChange` after each burst of changes in `dir` (recursively) to a file `relevant` accepts. */
export function watchFolder(dir: string, relevant: (relPath: string) => boolean, onChange: () => Promise<void>): FolderWatch {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  const fire = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await onChange();
    } finally {
      running = false;
      if (again) {
        again = false;
        void fire();
      }
    }
  };
  const watcher = watch(dir, { recursive: true }, (_event, name) => {
    if (name === null || !relevant(name.toString())) return;
    clearTimeout(timer);
    timer = setTimeout(() => void fire(), WATCH_SETTLE_MS);
  });
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}

/** Sources and manifest of an app or contract folder; not its build output, dependencies or VCS. */
export function isProjectSource(relPath: string): boolean {
  const parts = relPath.split(/[\\/]/);
  if (parts.some((p) => p === 'build' || p === 'node_modules' || p.startsWith('.'))) return false;
  const last = parts[parts.length - 1] ?? '';
  return last.endsWith('.ts') || last === 'peeros.json' || last === 'abi.json';
}

/** Resolves when the process is asked to stop (Ctrl-C, SIGTERM). */
export function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Runs `step` now and after every burst of source changes in `dir`, until Ctrl-C. */
export async function loopOnChanges(dir: string, io: CliIO, step: () => Promise<unknown>): Promise<number> {
  // a failed round is reported and the loop goes on: the next save may fix it
  const round = async (): Promise<void> => {
    try {
      await step();
    } catch (err) {
      io.err(`peeros: ${terminalText(err instanceof Error ? err.message : String(err))}`);
    }
  };
  await round();
  const w = watchFolder(dir, isProjectSource, round);
  io.err(`watching ${dir} for changes (Ctrl-C stops)`);
  await untilInterrupted();
  w.close();
  return 0;
}
