// The intrinsic families (dmcs/vm/intrinsics/*.ts) together implement exactly the `env` imports the
// module validator accepts, each in one family, with the arity of its wasm signature.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { INTRINSIC_TYPES } from '../../../dmcs/vm/intrinsic-types.js';
import { createIntrinsics } from '../../../dmcs/vm/intrinsics.js';
import { currentContext, type ContextSlot } from '../../../dmcs/vm/intrinsics/context.js';
import { authorizationIntrinsics } from '../../../dmcs/vm/intrinsics/authorization.js';
import { actionIntrinsics } from '../../../dmcs/vm/intrinsics/action.js';
import { transactionIntrinsics } from '../../../dmcs/vm/intrinsics/transaction.js';
import { systemIntrinsics } from '../../../dmcs/vm/intrinsics/system.js';
import { consoleIntrinsics } from '../../../dmcs/vm/intrinsics/console.js';
import { databaseIntrinsics } from '../../../dmcs/vm/intrinsics/database.js';
import { memoryIntrinsics } from '../../../dmcs/vm/intrinsics/memory.js';
import { cryptoIntrinsics } from '../../../dmcs/vm/intrinsics/crypto.js';
import { compilerBuiltins } from '../../../dmcs/vm/intrinsics/compiler-builtins.js';
import { privilegedIntrinsics } from '../../../dmcs/vm/intrinsics/privileged.js';
import { permissionIntrinsics } from '../../../dmcs/vm/intrinsics/permission.js';
import { contextFreeIntrinsics } from '../../../dmcs/vm/intrinsics/context-free.js';
import { ContractError } from '../../../dmcs/vm/contract-error.js';

const cx = currentContext({ ctx: null });
const FAMILIES = {
  authorization: authorizationIntrinsics(cx),
  action: actionIntrinsics(cx, cx),
  transaction: transactionIntrinsics(cx, cx),
  system: systemIntrinsics(cx, cx),
  console: consoleIntrinsics(cx),
  database: databaseIntrinsics(cx),
  memory: memoryIntrinsics(cx),
  crypto: cryptoIntrinsics(cx),
  compilerBuiltins: compilerBuiltins(cx),
  privileged: privilegedIntrinsics(cx),
  permission: permissionIntrinsics(cx),
  contextFree: contextFreeIntrinsics(cx),
};

test('every intrinsic lives in exactly one family', () => {
  const home = new Map<string, string>();
  for (const [family, fns] of Object.entries(FAMILIES)) {
    for (const name of Object.keys(fns)) {
      assert.not.ok(home.has(name), `${name} is in both ${home.get(name)} and ${family}`);
      home.set(name, family);
    }
  }
  assert.equal([...home.keys()].sort(), Object.keys(INTRINSIC_TYPES).sort());
});

test("the assembled env object is the families together, each function taking its signature's parameters", () => {
  const env = createIntrinsics({ ctx: null });
  assert.equal(Object.keys(env).sort(), Object.keys(INTRINSIC_TYPES).sort());
  for (const [name, type] of Object.entries(INTRINSIC_TYPES)) {
    assert.is(env[name]!.length, type.params.length, `${name} arity`);
  }
});

test('an intrinsic called with no action running traps with wasm_execution_error', () => {
  const slot: ContextSlot = { ctx: null };
  const env = createIntrinsics(slot) as unknown as Record<string, (...a: unknown[]) => unknown>;
  try {
    env.current_receiver!();
    assert.unreachable('should trap');
  } catch (e) {
    assert.instance(e, ContractError);
    assert.is((e as ContractError).code, 'wasm_execution_error');
  }
});

test.run();
