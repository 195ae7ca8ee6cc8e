// Chunked lists (lib/chunked.ts): items keep their order, every chunk but the last holds exactly
// the chunk size, and an empty first chunk (how a queue starts) is filled before a new one opens.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pushChunked } from '../../lib/chunked.js';

test('items stay in order in chunks of the size, the last one partial', () => {
  const chunks: number[][] = [];
  for (let i = 0; i < 10; i++) pushChunked(chunks, i, 4);
  assert.equal(chunks, [
    [0, 1, 2, 3],
    [4, 5, 6, 7],
    [8, 9],
  ]);
});

test('an empty first chunk is filled first', () => {
  const chunks: string[][] = [[]];
  pushChunked(chunks, 'a', 2);
  pushChunked(chunks, 'b', 2);
  pushChunked(chunks, 'c', 2);
  assert.equal(chunks, [['a', 'b'], ['c']]);
});

test.run();
