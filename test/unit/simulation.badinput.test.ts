// Bad election scenarios are clear errors naming the option and the value, never a crash or a
// hang.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { UserError } from '../../server/common/errors';
import { parseCrash, parseDelay, parseOrder, parsePartition } from '../../server/simulation/election/scenario';
import { simulateElection } from '../../server/simulation/election/run';
import type { ElectionOptions } from '../../server/simulation/election/types';

function rejects(o: ElectionOptions, message: RegExp): void {
  assert.throws(() => simulateElection(o), (err: unknown) => err instanceof UserError && message.test(err.message), JSON.stringify(o));
}

test('zero or one node', () => {
  rejects({ algorithm: 'bully', nodes: 0 }, /at least 2 nodes, got 0/);
  rejects({ algorithm: 'ring', nodes: 1 }, /at least 2 nodes, got 1/);
  rejects({ algorithm: 'ring', ring: [4] }, /at least 2 nodes, got 1/);
  rejects({ algorithm: 'ring' }, /at least 2 nodes/);
});

test('duplicate or invalid ranks', () => {
  rejects({ algorithm: 'chang-roberts', ring: [3, 1, 3, 2] }, /duplicate rank 3 at positions 1 and 3/);
  rejects({ algorithm: 'chang-roberts', ring: [1, 0] }, /rank 0 \(position 2\) is not a positive whole number/);
});

test('a crash schedule naming unknown nodes, or impossible times', () => {
  rejects({ algorithm: 'bully', nodes: 5, crashes: [{ node: 9, at: 0 }] }, /--crash 9@0 names node 9, which does not exist \(nodes are 1\.\.5\)/);
  rejects({ algorithm: 'bully', nodes: 5, crashes: [{ node: 2, at: 10, recoverAt: 5 }] }, /come back after it crashes/);
  rejects({ algorithm: 'bully', nodes: 5, crashes: [{ node: 2, at: 10, recoverAt: 50 }, { node: 2, at: 20 }] }, /already down/);
  rejects({ algorithm: 'bully', nodes: 5, crashes: [{ node: 2, at: -1 }] }, /crash time must be a number of at least 0/);
  rejects({ algorithm: 'bully', nodes: 5, initiators: [6] }, /--initiator 6 names node 6/);
});

test('partitions that do not cover the nodes, repeat one, or overlap in time', () => {
  rejects({ algorithm: 'bully', nodes: 5, partitions: [{ groups: [[1, 2], [3, 4]], from: 5, to: 9 }] }, /must cover every node; missing node 5/);
  rejects({ algorithm: 'bully', nodes: 4, partitions: [{ groups: [[1, 2], [2, 3, 4]], from: 5 }] }, /node 2 is in more than one group/);
  rejects({ algorithm: 'bully', nodes: 4, partitions: [{ groups: [[1, 2, 3, 4]], from: 5 }] }, /at least two non-empty groups/);
  rejects({ algorithm: 'bully', nodes: 4, partitions: [{ groups: [[1, 7], [2, 3, 4]], from: 5 }] }, /names node 7/);
  rejects({ algorithm: 'bully', nodes: 4, partitions: [{ groups: [[1], [2, 3, 4]], from: 5, to: 5 }] }, /heal after/);
  const groups = [[1, 2], [3, 4]];
  rejects({ algorithm: 'bully', nodes: 4, partitions: [{ groups, from: 5, to: 20 }, { groups, from: 10, to: 30 }] }, /overlaps another partition/);
});

test('delays, loss and the other numbers', () => {
  rejects({ algorithm: 'bully', nodes: 3, delay: { min: 0, max: 1 } }, /--delay must be a number above 0/);
  rejects({ algorithm: 'bully', nodes: 3, delay: { min: 2, max: 1 } }, /largest delay \(1\) is below the smallest \(2\)/);
  rejects({ algorithm: 'bully', nodes: 3, loss: 1 }, /--loss must be a probability/);
  rejects({ algorithm: 'bully', nodes: 3, seed: -2 }, /--seed/);
  rejects({ algorithm: 'nope' as never, nodes: 3 }, /--algorithm "nope": expected one of bully, ring/);
});

test('the command line forms: ID@T[-T2], GROUPS@T1[-T2], D or MIN-MAX, orders', () => {
  assert.deepEqual(parseCrash('8@0'), { node: 8, at: 0 });
  assert.deepEqual(parseCrash(' 3@20-60 '), { node: 3, at: 20, recoverAt: 60 });
  assert.throws(() => parseCrash('8'), /--crash "8": expected ID@T/);
  assert.throws(() => parseCrash('a@1'), /expected ID@T/);
  assert.deepEqual(parsePartition('1,2|3,4@10-50'), { groups: [[1, 2], [3, 4]], from: 10, to: 50 });
  assert.deepEqual(parsePartition('1|2,3@7'), { groups: [[1], [2, 3]], from: 7 });
  assert.throws(() => parsePartition('1,2|3,4'), /expected GROUPS@T1-T2/);
  assert.throws(() => parsePartition('1,x|3@1-2'), /"x" is not a node id/);
  assert.deepEqual(parseDelay('2'), { min: 2, max: 2 });
  assert.deepEqual(parseDelay('0.5-2'), { min: 0.5, max: 2 });
  assert.throws(() => parseDelay('fast'), /--delay "fast"/);
  assert.deepEqual(parseOrder('random'), { order: 'random' });
  assert.deepEqual(parseOrder('3,1,2'), { ring: [3, 1, 2] });
  assert.throws(() => parseOrder('sideways'), /--order "sideways"/);
});
