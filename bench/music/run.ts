// Generation benchmark: the seed's generation loop — 1000 autoregressive batch-1 steps of the
// seed LSTM (window 50 → LSTM 128 → LSTM 128 → Dense 256 → Dense 92 softmax), argmax, the
// window sliding by one token each step — through ONNX Runtime (our default engine), through
// TensorFlow.js on wasm (our fallback engine) and through PyTorch (CPU), in one run, on the same
// weights and the same start window.
//
//   npm run bench:music                    build, then run
//   node out/bench/music/run.js [options]  run without rebuilding
//     --runs=N      timed repetitions per engine (default 3; the median is reported)
//     --steps=N     tokens generated per repetition (default 1000)
//     --tfjs-runs=N repetitions of the (slow) TensorFlow.js engine (default: --runs)
//
// The model goes through our pipeline: built by the ML runtime from musicModelSpec(), saved in the
// TensorFlow.js layers format, exported to ONNX by exportModelFolder() (with its parity check);
// PyTorch loads the same weights. Before timing, the token sequences of the three are compared;
// no assertions on speed. See bench/README.md.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { HAVE_PROC, fmtMs, fmtRuns, measure, median, printSummary, prng, reportOthers, rows, timeRow, wall, type Sample } from '../common/measure';
import { selectBackend } from '../../server/ml/backend';
import { buildModel } from '../../server/ml/buildModel';
import { fileIO } from '../../server/ml/modelIO';
import { exportModelFolder } from '../../server/onnx/exportFolder';
import { sampleTokens } from '../../server/music/generate';
import { openOnnxModel, openTfjsModel, type NextTokenModel } from '../../server/music/generateEngines';
import { DEFAULT_MODEL, musicModelSpec, sampleShape } from '../../server/music/model';
import { createRng } from '../../server/music/sampling';

const args = process.argv.slice(2);
const arg = (name: string) => args.find(a => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const RUNS = Number(arg('runs') ?? 3);
const STEPS = Number(arg('steps') ?? 1000);
const TFJS_RUNS = Number(arg('tfjs-runs') ?? RUNS);
const VOCABULARY = 92;
const TARGET_MS = 500;
const TORCH_THREADS = 2;
const PYTHON = process.env.MLW_PYTHON ?? '/usr/bin/python3'; // Debian's, with python3-torch
const SEED = 0x6d757369;

/** Seeded uniform weights scaled by 1/√fan-in, so activations stay in their useful ranges as a trained model's do. */
function randomWeights(model: tf.LayersModel): void {
  const random = prng(SEED);
  model.setWeights(model.getWeights().map(w => {
    const fanIn = w.shape.length > 1 ? w.shape[0] : 1;
    const scale = 1 / Math.sqrt(fanIn);
    return tf.tensor(Float32Array.from({ length: w.size }, () => (random() * 2 - 1) * scale), w.shape);
  }));
}

const TORCH_SCRIPT = `
import json, sys, time, torch
torch.set_num_threads(${TORCH_THREADS})
spec = json.load(open(sys.argv[1]))
T, U, D, V, STEPS, RUNS = spec["window"], spec["units"], spec["dense"], spec["vocabulary"], spec["steps"], spec["runs"]
raw = torch.frombuffer(bytearray(open(sys.argv[2], "rb").read()), dtype=torch.float32)
weights, at = [], 0
for shape in spec["shapes"]:
    n = 1
    for d in shape: n *= d
    weights.append(raw[at:at + n].reshape(shape))
    at += n
class Seed(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm1 = torch.nn.LSTM(1, U, batch_first=True)
        self.drop1 = torch.nn.Dropout(0.2)
        self.lstm2 = torch.nn.LSTM(U, U, batch_first=True)
        self.dense1 = torch.nn.Linear(T * U, D)
        self.drop2 = torch.nn.Dropout(0.3)
        self.dense2 = torch.nn.Linear(D, V)
    def forward(self, x):
        h, _ = self.lstm1(x)
        h, _ = self.lstm2(self.drop1(h))
        return torch.softmax(self.dense2(self.drop2(self.dense1(h.reshape(h.shape[0], -1)))), dim=-1)
model = Seed().eval()
# Keras' weights: LSTM kernel [in, 4U], recurrent kernel [U, 4U], bias [4U], gates i, f, c, o as
# PyTorch's i, f, g, o; Dense kernel [in, out]. PyTorch's second LSTM bias is zero.
with torch.no_grad():
    for lstm, (k, r, b) in ((model.lstm1, weights[0:3]), (model.lstm2, weights[3:6])):
        lstm.weight_ih_l0.copy_(k.T); lstm.weight_hh_l0.copy_(r.T); lstm.bias_ih_l0.copy_(b); lstm.bias_hh_l0.zero_()
    for dense, (k, b) in ((model.dense1, weights[6:8]), (model.dense2, weights[8:10])):
        dense.weight.copy_(k.T); dense.bias.copy_(b)
def generate():
    window = torch.tensor(spec["start"], dtype=torch.float64).div(V).float().reshape(1, T, 1)
    ids = []
    with torch.inference_mode():
        for _ in range(STEPS):
            i = int(torch.argmax(model(window)[0]))
            ids.append(i)
            window = torch.cat([window[:, 1:], torch.tensor([[[i / V]]], dtype=torch.float32)], dim=1)
    return ids
first = generate()  # also the warm-up
ms, cpu = [], []
for _ in range(RUNS):
    t0, c0 = time.perf_counter(), time.process_time()
    generate()
    ms.append((time.perf_counter() - t0) * 1000)
    cpu.append((time.process_time() - c0) * 1000)
print(json.dumps({"ms": ms, "cpuMs": cpu, "ids": first, "torch": torch.__version__, "threads": torch.get_num_threads()}))
`;

/** How many leading tokens two sequences share. */
function sameFor(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

async function main(): Promise<void> {
  const started = Date.now();
  const backend = await selectBackend(tf, { backend: 'wasm' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-bench-music-'));
  try {
    const options = DEFAULT_MODEL;
    const shape = sampleShape(options);
    // The initial weights are replaced below: a cheap recurrent initializer instead of Keras' orthogonal one (slow at this size).
    const spec = musicModelSpec(VOCABULARY, options);
    spec.layers = spec.layers.map(l => (l.type === 'LSTM' ? { ...l, recurrentInitializer: 'glorotUniform' } : l));
    const model = buildModel(spec, shape, 1);
    randomWeights(model);
    const modelDir = path.join(dir, 'model');
    await model.save(fileIO(modelDir));
    const exported = await exportModelFolder(modelDir, path.join(modelDir, 'model.onnx'));
    const parity = 'maxAbsDiff' in exported.parity ? `parity max abs difference ${exported.parity.maxAbsDiff.toExponential(1)}` : JSON.stringify(exported.parity);
    // The weights for PyTorch, in getWeights() order, as one float32 file.
    const weights = model.getWeights();
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.concat(weights.map(w => Buffer.from((w.dataSync() as Float32Array).buffer))));
    const shapes = weights.map(w => w.shape);
    model.dispose();

    const random = prng(SEED + 1);
    const start = Int32Array.from({ length: options.window }, () => Math.floor(random() * VOCABULARY));
    const generate = (engine: NextTokenModel, steps = STEPS) =>
      sampleTokens(engine, start, { vocabularySize: VOCABULARY, input: options.input, sampling: { strategy: 'argmax' }, rng: createRng(0), maxTokens: steps });

    const ortOne = await openOnnxModel(exported.file, shape, 1);
    const ortDefault = await openOnnxModel(exported.file, shape, 0);
    const tfjs = await openTfjsModel(modelDir, shape);
    // The sequences first (and the warm-up: first runs allocate and compile).
    const ids = { ort: await generate(ortOne), ortDefault: await generate(ortDefault), tfjs: await generate(tfjs) };
    console.log(`# Generation: the seed LSTM (window ${options.window} → LSTM ${options.units} → LSTM ${options.units} → Dense ${options.denseUnits} → Dense ${VOCABULARY} softmax), ` +
      `${STEPS} batch-1 steps, argmax, ${RUNS} runs`);
    console.log(`tfjs ${tf.version.tfjs} (${backend.name}), onnxruntime-node ${require('onnxruntime-node/package.json').version}, Node ${process.version}; export ${parity}`);
    console.log(`same tokens: ONNX Runtime 1 thread vs default threads ${sameFor(ids.ort, ids.ortDefault)}/${STEPS}, ONNX Runtime vs TensorFlow.js ${sameFor(ids.ort, ids.tfjs)}/${STEPS} (leading tokens in common)`);

    // PyTorch, in its own process: it times its own loops (interpreter start and import left out).
    fs.writeFileSync(path.join(dir, 'spec.json'), JSON.stringify({
      window: options.window, units: options.units, dense: options.denseUnits, vocabulary: VOCABULARY, steps: STEPS, runs: RUNS, shapes, start: Array.from(start),
    }));
    const py = spawnSync(PYTHON, ['-c', TORCH_SCRIPT, path.join(dir, 'spec.json'), path.join(dir, 'weights.bin')], {
      encoding: 'utf8', maxBuffer: 64 << 20,
      env: { ...process.env, OMP_NUM_THREADS: String(TORCH_THREADS), OMP_WAIT_POLICY: 'PASSIVE', MKL_NUM_THREADS: String(TORCH_THREADS) },
    });
    let torch: Sample[] | undefined;
    if (py.status === 0) {
      const t = JSON.parse(py.stdout.trim().split('\n').pop()!) as { ms: number[]; cpuMs: number[]; ids: number[]; torch: string; threads: number };
      torch = t.ms.map((ms, i) => ({ ms, cpuMs: t.cpuMs[i], othersCpuMs: 0 }));
      console.log(`PyTorch ${t.torch} (CPU, ${t.threads} threads, OMP_WAIT_POLICY=PASSIVE): same tokens as ONNX Runtime ${sameFor(ids.ort, t.ids)}/${STEPS}`);
    } else {
      console.log(`PyTorch not measured (${PYTHON} failed: ${py.stderr.trim().split('\n').pop()}); install python3-torch or set MLW_PYTHON`);
    }

    const ort: Sample[] = [];
    const ortDef: Sample[] = [];
    const tfjsRuns: Sample[] = [];
    for (let r = 0; r < RUNS; r++) {
      ort.push(await measure('ours', () => generate(ortOne)));
      ortDef.push(await measure('ours', () => generate(ortDefault)));
      if (r < TFJS_RUNS) tfjsRuns.push(await measure('ours', () => generate(tfjs)));
    }
    const perStep = (xs: Sample[]) => `${(wall(xs) / STEPS).toFixed(3)} ms/step`;
    console.log(`ours  ONNX Runtime, 1 thread (the default):  ${fmtRuns(ort)} → ${perStep(ort)}`);
    console.log(`info  ONNX Runtime, default threads (0):     ${fmtRuns(ortDef)} → ${perStep(ortDef)}`);
    console.log(`ours  TensorFlow.js (${backend.name}), fallback:     ${fmtRuns(tfjsRuns)} → ${perStep(tfjsRuns)}`);
    if (torch) console.log(`peer  PyTorch, ${TORCH_THREADS} threads:                   ${fmtRuns(torch)} → ${perStep(torch)}`);
    console.log(`      ${reportOthers([...ort, ...ortDef, ...tfjsRuns])}`);

    const ratio = wall(ort) / TARGET_MS;
    rows.push({
      name: `${STEPS}-step generation, seed LSTM, ONNX Runtime (1 thread): time vs the target`,
      ours: fmtMs(wall(ort)), peer: `target: ${fmtMs(TARGET_MS)}`, ratio: `${ratio.toFixed(2)}× the target`,
      target: `≤ ${fmtMs(TARGET_MS)}`, met: wall(ort) <= TARGET_MS ? 'yes' : 'NO', cpuRatio: HAVE_PROC ? `CPU ${fmtMs(median(ort.map(x => x.cpuMs)))}` : '—',
    });
    if (torch) {
      timeRow(`Same, ONNX Runtime vs PyTorch (${TORCH_THREADS} threads)`, ort, torch, 'PyTorch', 1, '≤ 1.00× (faster)');
      timeRow('(info) ONNX Runtime, default threads vs PyTorch', ortDef, torch, 'PyTorch');
      timeRow('(info) TensorFlow.js wasm (the fallback) vs PyTorch', tfjsRuns, torch, 'PyTorch');
    }
    timeRow('(info) ONNX Runtime vs TensorFlow.js wasm', ort, tfjsRuns, 'tfjs wasm');
    printSummary(`Times are wall time of ${STEPS} sequential steps of the generation loop (sampleTokens: encode the window, run the model, argmax, slide); ` +
      'PyTorch times its own identical loop (model(window), argmax, torch.cat) with perf_counter, its process start-up and import left out. ' +
      '"CPU-time ratio" compares each side\'s own CPU time (PyTorch\'s from process_time).', started);
    await Promise.all([ortOne.dispose(), ortDefault.dispose(), tfjs.dispose()]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(err => {
  console.error(err);
  process.exitCode = 1;
});
