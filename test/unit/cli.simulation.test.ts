// The `mlw elect` / `mlw sync` command line contract: JSON keys and values, exit status 0 for
// a run (whatever it found), 2 with a message naming the option for bad input.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mlw, tempDir } from './helpers';

test('mlw elect --json prints the contract keys; Chang–Roberts worst case for n = 8', t => {
  const r = mlw(tempDir(t), 'elect', '--algorithm', 'chang-roberts', '--nodes', '8', '--order', 'descending', '--json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  for (const key of ['leader', 'messages', 'messagesByType', 'electionTime', 'leaders', 'splitBrain']) assert.ok(key in out, key);
  assert.equal(out.leader, 8);
  assert.deepEqual(out.messagesByType, { election: 36, elected: 8 });
  assert.equal(out.messages, 44);
  assert.equal(out.splitBrain, false);
  assert.deepEqual(Object.keys(out.leaders[0]).sort(), ['leader', 'node', 'time']);
  assert.equal(typeof out.electionTime, 'number');
});

test('mlw elect: a dead former leader (--crash 8@0), repeated --initiator, a partition with split brain', t => {
  const dir = tempDir(t);
  const bully = JSON.parse(mlw(dir, 'elect', '--algorithm', 'bully', '--nodes', '8', '--crash', '8@0', '--json').stdout);
  assert.equal(bully.leader, 7);
  assert.equal(bully.messages, 55); // (8−1)² + 8 − 2
  const ring = JSON.parse(mlw(dir, 'elect', '--algorithm', 'ring', '--nodes', '6', '--initiator', '2', '--initiator', '5', '--json').stdout);
  assert.equal(ring.leader, 6);
  assert.equal(ring.messagesByType.election, 12); // two rounds of 6 hops
  const split = mlw(dir, 'elect', '--algorithm', 'bully', '--nodes', '8', '--partition', '1,2,3,4|5,6,7,8@20-200', '--json');
  assert.equal(split.status, 0, split.stderr);
  assert.equal(JSON.parse(split.stdout).splitBrain, true);
});

test('mlw elect: bad input exits 2 naming the option', t => {
  const dir = tempDir(t);
  const cases: [string[], RegExp][] = [
    [['--algorithm', 'bully', '--nodes', '1'], /at least 2 nodes, got 1/],
    [['--algorithm', 'bully', '--nodes', '4', '--crash', '5@0'], /--crash 5@0 names node 5/],
    [['--algorithm', 'bully', '--nodes', '4', '--partition', '1,2|3@1-5'], /missing node 4/],
    [['--algorithm', 'ring', '--nodes', '3', '--order', '1,2,2'], /duplicate rank 2/],
    [['--algorithm', 'paxos', '--nodes', '3'], /--algorithm "paxos"/],
    [['--nodes', '3'], /missing --algorithm/],
  ];
  for (const [args, message] of cases) {
    const r = mlw(dir, 'elect', ...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
});

test('mlw sync --json: exactly the diverged keys move; bad input exits 2', t => {
  const dir = tempDir(t);
  const r = mlw(dir, 'sync', '--replicas', '2', '--keys', '100000', '--diverge', '37', '--branching', '4', '--seed', '3', '--json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.keysTransferred, 37);
  assert.deepEqual(out.transferredKeys, out.divergedKeys);
  assert.equal(out.inSync, true);
  assert.ok(out.hashesExchanged > 0 && out.bytesTransferred < out.full.bytesTransferred / 100);
  const bad = mlw(dir, 'sync', '--replicas', '2', '--keys', '10');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /missing --diverge/);
});
