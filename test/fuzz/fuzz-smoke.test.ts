// CI's short budget of the fuzz harness (the long runs are `npm run fuzz`, docs/fuzzing.md): every
// target runs its smokeInputs through the real driver (a worker thread per target, all shared
// oracles on) with a fixed seed, and must end with no finding. PEEROS_FUZZ_SEED picks another
// seed; a finding is saved under fuzz-findings/ with its replay command.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fuzz } from '../../fuzz/driver.js';
import { TARGETS } from '../../fuzz/targets/index.js';
import { TARGET_LOADERS } from '../../fuzz/targets/loaders.js';

const SEED = Number(process.env.PEEROS_FUZZ_SEED ?? 1);

// a target's thread imports its target by name through the loaders: a loader filed under another
// name would run (or fail to load) a target as another than the one listed
test('each loader loads the target of its name, and the registry is their targets', async () => {
  for (const [name, load] of Object.entries(TARGET_LOADERS)) assert.is((await load()).name, name);
  assert.equal(Object.keys(TARGET_LOADERS).sort(), TARGETS.map((t) => t.name).sort());
  for (const t of TARGETS) assert.is(await TARGET_LOADERS[t.name]!(), t, t.name);
});

for (const t of TARGETS) {
  test(`fuzz ${t.name}: ${t.smokeInputs} inputs, seed ${SEED}, no crash, hang, slow input or heap growth`, async () => {
    const [s] = await fuzz({ targets: [t.name], seed: SEED, inputs: t.smokeInputs });
    console.log(
      `  ${t.name}: ${s!.inputs} inputs, ${((100 * s!.accepted) / s!.inputs).toFixed(1)}% accepted, ${Math.round(s!.inputsPerSecond)}/s, max ${s!.maxInputMs.toFixed(1)} ms`,
    );
    assert.equal(
      s!.findings.map((f) => `${f.kind} at index ${f.index}: ${f.message.split('\n')[0]}`),
      [],
    );
    assert.is(s!.inputs, t.smokeInputs);
    assert.ok(s!.accepted > 0, 'the generators reach acceptance'); // not only refusals: the mutations keep some inputs valid
  });
}

test.run();
