// The ABI is derived from the typed signature, so a signature change is an ABI change: swapping two
// arguments reorders the fields, changing a type changes the field type, and a type with no
// Antelope meaning fails the build with a message naming the declaration (no silent mismatch).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../../dmcs/vm/token-harness.js';

const { compileContract } = await import(new URL('sdk-as/contract/tools/compile-contract.mjs', ROOT).href);

interface Field {
  name: string;
  type: string;
}

/** Compiles a one-action contract whose action has `params`; the ABI's fields of that action. */
async function fieldsOf(tag: string, params: string, body = ''): Promise<Field[]> {
  const dir = new URL(`build/test-contracts/signature-${tag}/`, ROOT);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    new URL('index.ts', dir),
    `import { Name, Asset } from "../../../sdk-as/contract/index";\n${body}\n@contract\nclass C {\n  @action("pay")\n  pay(${params}): void {}\n}\n`,
  );
  const out = await compileContract({ root: fileURLToPath(ROOT), dir: fileURLToPath(dir), name: 'c', outDir: fileURLToPath(dir) });
  return (out.abiJson as { structs: { name: string; fields: Field[] }[] }).structs.find((s) => s.name === 'pay')!.fields;
}

test('swapping two arguments swaps the ABI fields', async () => {
  const a = await fieldsOf('a', 'from: Name, to: Name, quantity: Asset');
  const b = await fieldsOf('b', 'to: Name, from: Name, quantity: Asset');
  assert.equal(
    a.map((f) => f.name),
    ['from', 'to', 'quantity'],
  );
  assert.equal(
    b.map((f) => f.name),
    ['to', 'from', 'quantity'],
  );
});

test('changing an argument type changes the ABI type', async () => {
  assert.equal(await fieldsOf('c', 'amount: u64'), [{ name: 'amount', type: 'uint64' }]);
  assert.equal(await fieldsOf('d', 'amount: u32'), [{ name: 'amount', type: 'uint32' }]);
  assert.equal(await fieldsOf('e', 'amount: Name'), [{ name: 'amount', type: 'name' }]);
});

test('a type with no Antelope meaning fails the build, naming the declaration', async () => {
  try {
    await fieldsOf('f', 'cb: Map<string, u64>');
    assert.unreachable('compiled');
  } catch (e) {
    const msg = (e as Error).message;
    assert.match(msg, /C\.pay\(cb\)/);
    assert.match(msg, /Map<string, u64>/);
    assert.match(msg, /index\.ts:\d+:\d+/);
  }
  try {
    await fieldsOf('g', 'p: Secret', 'class Secret { f: () => void = () => {}; }');
    assert.unreachable('compiled');
  } catch (e) {
    assert.match((e as Error).message, /Secret\.f/);
  }
});

test.run();
