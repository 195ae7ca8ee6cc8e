// The builtin protocol features the node reports as active carry Leap's identity: each feature
// digest recomputed with Leap's builtin_protocol_feature::digest() (protocol_feature_manager.cpp:
// sha256(u32 type 0 ‖ description digest ‖ sorted dependency digests ‖ u32 codename ordinal)) from
// the description digests, dependencies and ordinals copied out of Leap equals the digest the
// bios-boot tutorial activates, so contracts asking `is_feature_activated` get Leap's answer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { BUILTIN_PROTOCOL_FEATURES, isFeatureActivated, preactivateFeature } from '../../../dmcs/chain/protocol-features.js';
import { ChainError } from '../../../dmcs/chain-error.js';

const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};

test("every feature digest is Leap's digest of its description, dependencies and codename", () => {
  for (const [codename, f] of Object.entries(BUILTIN_PROTOCOL_FEATURES)) {
    const deps = f.dependencies.map((d) => Buffer.from(BUILTIN_PROTOCOL_FEATURES[d]!.digest, 'hex')).sort(Buffer.compare);
    const digest = createHash('sha256')
      .update(Buffer.concat([u32(0), Buffer.from(f.description, 'hex'), Buffer.from([deps.length]), ...deps, u32(f.ordinal)]))
      .digest('hex');
    assert.is(digest, f.digest, codename);
  }
});

test('is_feature_activated knows them; preactivate_feature refuses known (already active) and unknown digests', () => {
  const known = Buffer.from(BUILTIN_PROTOCOL_FEATURES.GET_SENDER!.digest, 'hex');
  assert.ok(isFeatureActivated(known));
  assert.not.ok(isFeatureActivated(new Uint8Array(32)));
  for (const [digest, name] of [
    [known, 'protocol_feature_exception'],
    [new Uint8Array(32), 'subjective_block_production_exception'],
  ] as const) {
    try {
      preactivateFeature(digest);
      assert.unreachable();
    } catch (e) {
      assert.instance(e, ChainError);
      assert.is((e as ChainError).code, name);
    }
  }
});

test.run();
