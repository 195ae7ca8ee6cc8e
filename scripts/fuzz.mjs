// `npm run fuzz`: the kept fuzz harness (docs/fuzzing.md). Runs every target, or the ones named,
// each in its own worker thread, seeded and reproducible, and prints per target: inputs, share
// accepted, inputs/s, the slowest input, retained-heap growth and findings (saved with their seed
// and index under fuzz-findings/). Exits 1 on any finding. Needs a build (dist/).
//   npm run fuzz                                      every target, 10 s each, seed 1
//   npm run fuzz -- --target msgpack --inputs 1000000 one target, a fixed count
//   npm run fuzz -- --seconds 60 --seed 7             a time budget per target, another seed
//   npm run fuzz -- --target X --seed S --index I     replay one input
//   npm run fuzz -- --target X --input FILE           replay a saved finding
//   --progress                                        a progress line every 10 s (long runs)
//   --list                                            the targets
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_SECONDS = 10;

function usage(msg) {
  if (msg) process.stderr.write(`fuzz: ${msg}\n`);
  process.stderr.write(
    'usage: npm run fuzz -- [--target NAME]... [--inputs N | --seconds S] [--seed S] [--index I] [--input FILE] [--progress] [--list]\n',
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const opts = { targets: [], seed: 1 };
let progress = false,
  list = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const val = () => {
    const v = args[++i];
    if (v === undefined) usage(`${a} needs a value`);
    return v;
  };
  const int = (v, what) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) usage(`${what}: expected a non-negative integer, got ${v}`);
    return n;
  };
  if (a === '--target') opts.targets.push(...val().split(','));
  else if (a === '--inputs') opts.inputs = int(val(), '--inputs');
  else if (a === '--seconds') {
    opts.seconds = Number(val());
    if (!(opts.seconds > 0)) usage('--seconds: expected a positive number');
  } else if (a === '--seed') opts.seed = int(val(), '--seed');
  else if (a === '--index') {
    opts.from = int(val(), '--index');
    opts.inputs ??= 1;
  } else if (a === '--input') opts.input = new Uint8Array(readFileSync(val()));
  else if (a === '--progress') progress = true;
  else if (a === '--list') list = true;
  else usage(`unknown option ${a}`);
}
if (opts.input && opts.targets.length !== 1) usage('--input needs exactly one --target');
if (opts.inputs === undefined && opts.seconds === undefined) opts.seconds = DEFAULT_SECONDS;

const { fuzz } = await import(pathToFileURL(join(root, 'dist/fuzz/driver.js')).href).catch((e) => {
  process.stderr.write(`fuzz: cannot load dist/fuzz (run npm run build first): ${e.message}\n`);
  process.exit(2);
});
if (list) {
  const { TARGETS } = await import(pathToFileURL(join(root, 'dist/fuzz/targets/index.js')).href);
  for (const t of TARGETS) console.log(`${t.name.padEnd(28)} ${t.about}`);
  process.exit(0);
}

const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
if (progress) {
  opts.progressEveryMs = 10_000;
  let shown = 0,
    current = '';
  opts.onProgress = (s) => {
    if (s.target !== current) {
      current = s.target;
      shown = 0;
    }
    process.stderr.write(
      `  ${s.target}: ${s.inputs} inputs, ${Math.round(s.inputsPerSecond)}/s, max ${s.maxInputMs.toFixed(1)} ms, heap +${mib(s.heapGrowthBytes)}, ${s.findings.length} finding(s)\n`,
    );
    for (const f of s.findings.slice(shown))
      process.stderr.write(`  ${f.kind.toUpperCase()} seed ${f.seed} index ${f.index}: ${f.message.split('\n')[0]}\n`);
    shown = s.findings.length;
  };
}
console.log(
  `fuzz: seed ${opts.seed}, ${opts.inputs !== undefined ? `${opts.inputs} inputs` : `${opts.seconds} s`} per target${opts.from !== undefined ? `, from index ${opts.from}` : ''}`,
);
console.log(
  `${'target'.padEnd(28)} ${'inputs'.padStart(9)} ${'accepted'.padStart(8)} ${'inputs/s'.padStart(9)} ${'max ms'.padStart(8)} ${'(index)'.padStart(9)} ${'heap +'.padStart(10)} findings`,
);
let findings = 0;
await fuzz({
  ...opts,
  onProgress: opts.onProgress,
}).then((all) => {
  for (const s of all) {
    findings += s.findings.length;
    const acc = s.inputs ? `${((100 * s.accepted) / s.inputs).toFixed(1)}%` : '-';
    console.log(
      `${s.target.padEnd(28)} ${String(s.inputs).padStart(9)} ${acc.padStart(8)} ${Math.round(s.inputsPerSecond).toString().padStart(9)} ${s.maxInputMs.toFixed(1).padStart(8)} ${`(${s.maxInputIndex})`.padStart(9)} ${mib(s.heapGrowthBytes).padStart(10)} ${s.findings.length}`,
    );
    for (const f of s.findings) {
      console.log(`  ${f.kind.toUpperCase()} seed ${f.seed} index ${f.index}: ${f.message.split('\n')[0]}`);
      console.log(`    saved: fuzz-findings/${f.target}/${f.kind}-seed${f.seed}-index${f.index}.bin`);
    }
  }
});
console.log(findings ? `${findings} finding(s)` : 'no findings');
process.exit(findings ? 1 : 0);
