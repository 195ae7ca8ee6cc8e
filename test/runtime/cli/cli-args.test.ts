// The CLI's parser (node:util parseArgs held to the declared flags): what a typo or a missing value
// becomes, and the words it must leave alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseArgs } from '../../../runtime/cli/args.js';
import { UsageError } from '../../../runtime/cli/command.js';

const SPEC = { key: 'string', yes: 'boolean' } as const;

function usage(argv: string[]): string {
  try {
    parseArgs(argv, SPEC, 'demo');
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
  throw new Error('expected a UsageError');
}

test('declared flags: --flag value, --flag=value, booleans', () => {
  assert.equal(parseArgs(['a', '--key', 'K', 'b', '--yes'], SPEC, 'demo'), { flags: { key: 'K', yes: true }, positionals: ['a', 'b'] });
  assert.equal(parseArgs(['--key=', 'x'], SPEC, 'demo').flags, { key: '' });
});

test('mistakes are usage errors naming the flag', () => {
  assert.is(usage(['--frobnicate']), "unknown option --frobnicate for 'demo'");
  assert.is(usage(['--key']), 'option --key needs a value');
  assert.is(usage(['--yes=no']), 'option --yes takes no value');
  assert.is(usage(['--constructor']), "unknown option --constructor for 'demo'", 'an inherited property name is not a flag');
});

test('single-dash words and everything after -- stay positionals', () => {
  assert.equal(parseArgs(['-1', '-', '-abc', '--', '--key', '--yes'], SPEC, 'demo'), {
    flags: {},
    positionals: ['-1', '-', '-abc', '--key', '--yes'],
  });
});

test.run();
