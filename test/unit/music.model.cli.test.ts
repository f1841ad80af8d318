// `mlw music train` / `mlw music generate` (the built CLI, bin/mlw.js → dist/cli.js, training in
// its worker thread): train prints the run id on stdout, generate writes the .mid it is asked
// for, both as runs in ./mlruns (or --tracking-uri) that `mlw runs show` reads back; usage
// errors exit 2 naming the problem.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { mlw, repoRoot, tempDir } from './helpers';
import { notesOf, phraseFile, phraseStart } from './music.modelPhrase';

/** Runs the CLI without the helper's 20 s limit (training takes a few seconds, more on a busy machine). */
function mlwAsync(cwd: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'mlw.js'), ...args], {
      cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MLFLOW_TRACKING_URI: '', XDG_CACHE_HOME: path.join(cwd, '.xdg-cache') },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => { stdout += d; });
    child.stderr.on('data', d => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('error', reject);
    child.on('close', status => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

test('mlw music train prints the run id; mlw music generate -o writes that many notes continuing the phrase; both are runs in ./mlruns', async t => {
  const dir = tempDir(t, 'mlw-music-cli-');
  phraseFile(dir, 'corpus/a.mid', 16);
  phraseFile(dir, 'corpus/b.mid', 12);
  const trained = await mlwAsync(dir, 'music', 'train', 'corpus', '--epochs', '60', '--window', '8', '--units', '16', '--dense-units', '32',
    '--learning-rate', '0.01', '--batch-size', '16', '--patience', '5', '--seed', '7');
  assert.equal(trained.status, 0, trained.stderr);
  assert.match(trained.stdout, /^[0-9a-f]{32}\n$/);
  const runId = trained.stdout.trim();
  assert.match(trained.stderr, /epoch 1\/60 · loss/);

  const generated = mlw(dir, 'music', 'generate', '--run', runId, '--notes', '30', '--seed', '3', '-o', 'out.mid', '--json');
  assert.equal(generated.status, 0, generated.stderr);
  const g = JSON.parse(generated.stdout);
  assert.equal(g.output, path.join(dir, 'out.mid'));
  assert.equal(g.engine, 'onnx');
  const notes = notesOf(path.join(dir, 'out.mid'));
  assert.equal(notes.length, 30);
  assert.notEqual(phraseStart(notes).from, undefined, phraseStart(notes).mismatch);

  const shown = mlw(dir, 'runs', 'show', g.runId, '--json');
  assert.equal(shown.status, 0, shown.stderr);
  const run = JSON.parse(shown.stdout);
  assert.equal(run.tags['mlw.music.trainingRun'], runId);
  assert.ok(run.artifacts.some((a: { path: string }) => a.path === 'out.mid'));
  const training = JSON.parse(mlw(dir, 'runs', 'show', runId, '--json').stdout);
  assert.equal(training.status, 'FINISHED');
  assert.ok(training.artifacts.some((a: { path: string }) => a.path === 'model/model.onnx'));

  // --tracking-uri elsewhere: the run is not there.
  const elsewhere = mlw(dir, 'music', 'generate', '--run', runId, '-o', 'x.mid', '--tracking-uri', path.join(dir, 'other-runs'));
  assert.equal(elsewhere.status, 2);
  assert.match(elsewhere.stderr, /^mlw: .*run/m);
});

test('mlw music: usage errors exit 2 and say what is wrong', t => {
  const dir = tempDir(t, 'mlw-music-cli-');
  const cases: [string[], RegExp][] = [
    [['music', 'train'], /expected MIDI files or folders/],
    [['music', 'train', 'missing.mid'], /missing\.mid: no such file or folder/],
    [['music', 'train', 'x.mid', '--epochs', 'ten'], /--epochs must be a whole number ≥ 1, not "ten"/],
    [['music', 'train', 'x.mid', '--input', 'onehot'], /--input must be normalized or embedding/],
    [['music', 'generate', '-o', 'x.mid'], /--run RUN_ID is needed/],
    [['music', 'generate', '--run', 'abc'], /-o OUT\.mid is needed/],
    [['music', 'generate', '--run', 'abc', '-o', 'x.mid', '--temperature=-1'], /--temperature must be a number ≥ 0/],
    [['music', 'generate', '--run', 'abc', '-o', 'x.mid', '--engine', 'gpu'], /--engine must be auto, onnx or tfjs/],
  ];
  for (const [args, pattern] of cases) {
    const r = mlw(dir, ...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(' '));
  }
});
