// Training benchmark: the seed LSTM trained batch by batch by stock tfjs-layers on the wasm
// backend, by our runtime (fused LSTM kernels, wasm kernel fixes) on wasm, and by PyTorch on
// the CPU, measured in the same run.
//
//   npm run bench:ml                          build, then run
//   node out/bench/ml/run.js [options]        run without rebuilding
//     --runs=N        timed repetitions per figure (default 3; the median is reported)
//     --batches=N     batches per repetition, after 3 of warm-up (default 20)
//     --with-cpu      also our runtime on the pure-JS cpu backend (slow: a few batches only)
//
// The model: input [50, 1] → LSTM(128, return_sequences) → Dropout(0.2) → LSTM(128,
// return_sequences) → Flatten → Dense(256) → Dropout(0.3) → Dense(92, softmax); categorical
// cross-entropy, Adam, batch 32, seeded random weights and data. Each tfjs variant runs in its
// own process (tfjs keeps one engine per process, and the stock variant must not see our kernel
// fixes). No assertions on speed; the fused model's outputs and gradients are first checked
// against stock layers with the same weights (a wrong kernel stops the run). See bench/README.md.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { HAVE_PROC, measure, median, printSummary, prng, reportOthers, rows, type Sample } from '../common/measure';

const args = process.argv.slice(2);
const arg = (name: string) => args.find(a => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const RUNS = Number(arg('runs') ?? 3);
const BATCHES = Number(arg('batches') ?? 20);
const WARMUP = 3;
const BATCH = 32;
const TIMESTEPS = 50;
const CLASSES = 92;
const SEED = 0x6d6c77;
const TARGET = 5; // ours at most 5× PyTorch's time per sample (≥ 0.2× its speed)
const PYTHON = process.env.MLW_PYTHON ?? '/usr/bin/python3'; // Debian's, with python3-torch
const THREADS = 2;

type Variant = 'stock' | 'stock-fixed' | 'ours' | 'ours-cpu';
interface ChildResult { variant: Variant; backend: string; msPerSample: number[]; cpuMsPerSample: number[]; check?: string; loss: number[] }

// ---- one tfjs variant, in a child process ------------------------------------------------------

function seedModel(tf: typeof TF, fused: boolean, layers: typeof import('../../server/ml/layers') | undefined): TF.Sequential {
  // A cheap initializer (the weights are replaced below): orthogonal is slow at this size.
  const init = { recurrentInitializer: 'glorotUniform', recurrentActivation: 'sigmoid' } as const;
  const lstm = (a: Record<string, unknown>) => (fused ? new layers!.FusedLSTM({ ...init, ...a } as never) : tf.layers.lstm({ ...init, ...a } as never));
  const model = tf.sequential({
    layers: [
      lstm({ units: 128, inputShape: [TIMESTEPS, 1], returnSequences: true }),
      tf.layers.dropout({ rate: 0.2 }),
      lstm({ units: 128, returnSequences: true }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 256 }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: CLASSES, activation: 'softmax' }),
    ],
  });
  const random = prng(SEED);
  model.setWeights(model.getWeights().map(w => {
    const scale = 1 / Math.sqrt(w.shape.length > 1 ? w.shape[0] : 1);
    return tf.tensor(Float32Array.from({ length: w.size }, () => (random() * 2 - 1) * scale), w.shape);
  }));
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  return model;
}

function batchData(tf: typeof TF, i: number): { x: TF.Tensor; y: TF.Tensor } {
  const random = prng(SEED + 1 + i);
  const x = tf.tensor3d(Float32Array.from({ length: BATCH * TIMESTEPS }, () => random() * 2 - 1), [BATCH, TIMESTEPS, 1]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: BATCH }, () => Math.floor(random() * CLASSES)), 'int32'), CLASSES);
  return { x, y };
}

/** The fused model against stock layers with the same weights: outputs and weight gradients. */
function checkFused(tf: typeof TF, layers: typeof import('../../server/ml/layers')): string {
  const fused = seedModel(tf, true, layers);
  const stock = seedModel(tf, false, undefined);
  const { x, y } = batchData(tf, 999);
  const lossOf = (m: TF.LayersModel) => () => tf.losses.softmaxCrossEntropy(y, m.apply(x, { training: false }) as TF.Tensor) as TF.Scalar;
  const diff = (a: TF.Tensor, b: TF.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(1e-6, tf.max(tf.abs(b)).dataSync()[0]);
  const out = diff(fused.predict(x) as TF.Tensor, stock.predict(x) as TF.Tensor);
  const gf = tf.variableGrads(lossOf(fused), fused.trainableWeights.map(w => w.read() as TF.Variable)).grads;
  const gs = tf.variableGrads(lossOf(stock), stock.trainableWeights.map(w => w.read() as TF.Variable)).grads;
  const names = (m: TF.LayersModel) => m.trainableWeights.map(w => (w.read() as TF.Variable).name);
  const grad = Math.max(...names(fused).map((n, i) => diff(gf[n], gs[names(stock)[i]])));
  if (!(out < 1e-4 && grad < 1e-3)) throw new Error(`the fused model differs from stock layers: outputs by ${out}, gradients by ${grad} (relative)`);
  return `outputs within ${out.toExponential(1)}, gradients within ${grad.toExponential(1)} (relative to the largest)`;
}

async function child(variant: Variant): Promise<void> {
  const tf = require('@tensorflow/tfjs') as typeof TF;
  let backend = 'wasm';
  let layers: typeof import('../../server/ml/layers') | undefined;
  let check: string | undefined;
  if (variant === 'stock') {
    // Stock tfjs: the wasm backend as the package ships it, stock layers.
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
    tf.enableProdMode();
  } else {
    const { selectBackend } = require('../../server/ml/backend') as typeof import('../../server/ml/backend');
    backend = (await selectBackend(tf, { backend: variant === 'ours-cpu' ? 'cpu' : 'wasm' })).name;
    layers = require('../../server/ml/layers');
    if (variant === 'ours') check = checkFused(tf, layers!);
  }
  const model = seedModel(tf, variant === 'ours' || variant === 'ours-cpu', layers);
  const batches = variant === 'ours-cpu' ? Math.min(BATCHES, 4) : BATCHES;
  const data = Array.from({ length: WARMUP + batches }, (_, i) => batchData(tf, i));
  const msPerSample: number[] = [];
  const cpuMsPerSample: number[] = [];
  const loss: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    for (let i = 0; i < WARMUP; i++) await model.trainOnBatch(data[i].x, data[i].y);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = WARMUP; i < WARMUP + batches; i++) loss.push(await model.trainOnBatch(data[i].x, data[i].y) as number);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    msPerSample.push(ms / (batches * BATCH));
    cpuMsPerSample.push((cpu.user + cpu.system) / 1000 / (batches * BATCH));
  }
  const result: ChildResult = { variant, backend, msPerSample, cpuMsPerSample, check, loss };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// ---- PyTorch ---------------------------------------------------------------------------------

const TORCH_SCRIPT = `
import json, sys, time, torch
torch.set_num_threads(${THREADS})
torch.manual_seed(0)
T, B, C, BATCHES, WARMUP, RUNS = ${TIMESTEPS}, ${BATCH}, ${CLASSES}, ${BATCHES}, ${WARMUP}, ${RUNS}
class Seed(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm1 = torch.nn.LSTM(1, 128, batch_first=True)
        self.drop1 = torch.nn.Dropout(0.2)
        self.lstm2 = torch.nn.LSTM(128, 128, batch_first=True)
        self.dense1 = torch.nn.Linear(T * 128, 256)
        self.drop2 = torch.nn.Dropout(0.3)
        self.dense2 = torch.nn.Linear(256, C)
    def forward(self, x):
        h, _ = self.lstm1(x)
        h, _ = self.lstm2(self.drop1(h))
        return self.dense2(self.drop2(self.dense1(h.reshape(h.shape[0], -1))))  # logits: softmax is in the loss
model = Seed()
opt = torch.optim.Adam(model.parameters(), lr=0.001)
loss_fn = torch.nn.CrossEntropyLoss()  # softmax + categorical cross-entropy
data = [(torch.rand(B, T, 1) * 2 - 1, torch.randint(0, C, (B,))) for _ in range(WARMUP + BATCHES)]
def step(x, y):
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    return loss.item()
ms, cpu, losses = [], [], []
for _ in range(RUNS):
    for x, y in data[:WARMUP]: step(x, y)
    t0, c0 = time.perf_counter(), time.process_time()
    for x, y in data[WARMUP:]: losses.append(step(x, y))
    ms.append((time.perf_counter() - t0) * 1000 / (BATCHES * B))
    cpu.append((time.process_time() - c0) * 1000 / (BATCHES * B))
print(json.dumps({"msPerSample": ms, "cpuMsPerSample": cpu, "loss": losses, "torch": torch.__version__, "threads": torch.get_num_threads()}))
`;

// ---- the parent: runs the children and PyTorch, prints the table ------------------------------

interface Figure { label: string; ms: number; cpuMs: number; other: Sample }

function runChild(variant: Variant): Promise<Figure & { result: ChildResult }> {
  return measure('peer', () => spawnSync(process.execPath, [__filename, `--child=${variant}`, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 })).then(s => {
    const r = s.value;
    if (r.status !== 0) throw new Error(`${variant} failed (${r.status}): ${r.stderr.slice(-2000)}`);
    const result = JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
    return { label: variant, ms: median(result.msPerSample), cpuMs: median(result.cpuMsPerSample), other: s, result };
  });
}

function fmtSample(ms: number): string {
  return `${ms.toFixed(2)} ms/sample`;
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log(`# Training benchmark: the seed LSTM, batch ${BATCH}, ${BATCHES} batches × ${RUNS} runs after ${WARMUP} of warm-up\n`);
  const ours = await runChild('ours');
  console.log(`ours (fused LSTM, wasm):           ${fmtSample(ours.ms)} (runs: ${ours.result.msPerSample.map(v => v.toFixed(2)).join(', ')}), CPU ${fmtSample(ours.cpuMs)}`);
  console.log(`  check: ${ours.result.check}`);
  const stock = await runChild('stock');
  console.log(`stock tfjs-layers, wasm:           ${fmtSample(stock.ms)} (runs: ${stock.result.msPerSample.map(v => v.toFixed(2)).join(', ')}), CPU ${fmtSample(stock.cpuMs)}`);
  const fixed = await runChild('stock-fixed');
  console.log(`stock layers + our wasm kernels:   ${fmtSample(fixed.ms)} (runs: ${fixed.result.msPerSample.map(v => v.toFixed(2)).join(', ')}), CPU ${fmtSample(fixed.cpuMs)}`);
  const oursCpu = args.includes('--with-cpu') ? await runChild('ours-cpu') : undefined;
  if (oursCpu) console.log(`ours on the cpu backend:           ${fmtSample(oursCpu.ms)}`);

  let torch: Figure | undefined;
  const py = await measure('peer', () => spawnSync(PYTHON, ['-c', TORCH_SCRIPT], {
    encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(THREADS), OMP_WAIT_POLICY: 'PASSIVE', MKL_NUM_THREADS: String(THREADS) },
  }));
  if (py.value.status === 0) {
    const t = JSON.parse(py.value.stdout.trim().split('\n').pop()!) as { msPerSample: number[]; cpuMsPerSample: number[]; torch: string; threads: number };
    torch = { label: 'PyTorch', ms: median(t.msPerSample), cpuMs: median(t.cpuMsPerSample), other: py };
    console.log(`PyTorch ${t.torch} (CPU, ${t.threads} threads): ${fmtSample(torch.ms)} (runs: ${t.msPerSample.map(v => v.toFixed(2)).join(', ')}), CPU ${fmtSample(torch.cpuMs)}`);
  } else {
    console.log(`PyTorch not measured (${PYTHON} -c 'import torch' failed: ${py.value.stderr.trim().split('\n').pop()}); install python3-torch or set MLW_PYTHON`);
  }

  const row = (name: string, a: Figure, b: Figure | undefined, peer: string, target?: number) => {
    if (!b) return;
    const ratio = a.ms / b.ms;
    rows.push({
      name, ours: fmtSample(a.ms), peer: `${peer}: ${fmtSample(b.ms)}`, ratio: `${ratio.toFixed(2)}×`,
      target: target === undefined ? '—' : `≤ ${target.toFixed(2)}×`, met: target === undefined ? '—' : ratio <= target ? 'yes' : 'NO',
      cpuRatio: HAVE_PROC ? `${(a.cpuMs / b.cpuMs).toFixed(2)}×` : '—',
    });
  };
  row('Training, seed LSTM on wasm: our runtime vs PyTorch CPU (time per sample)', ours, torch, `PyTorch (${THREADS} threads)`, TARGET);
  row('(info) stock tfjs-layers on wasm vs PyTorch CPU', stock, torch, `PyTorch (${THREADS} threads)`);
  row('(info) our runtime vs stock tfjs-layers, both on wasm', ours, stock, 'stock tfjs-layers');
  row('(info) stock layers with our wasm kernel fixes vs stock', fixed, stock, 'stock tfjs-layers');
  row('(info) our fused LSTM vs stock layers, both with the kernel fixes', ours, fixed, 'stock layers + fixes');
  if (oursCpu) row('(info) our runtime on the cpu backend vs on wasm', oursCpu, ours, 'ours on wasm');
  const others = reportOthers([ours.other, stock.other, fixed.other, ...(torch ? [torch.other] : [])]);
  printSummary(`Time per sample = wall time of ${BATCHES} trainOnBatch calls (optimizer step included) ÷ ${BATCHES * BATCH}, median of ${RUNS} runs; ` +
    `"CPU-time ratio" uses each process' own CPU time per sample (PyTorch may use ${THREADS} cores, tfjs wasm uses one).${others ? `\n${others}` : ''}`, started);
}

const childVariant = arg('child') as Variant | undefined;
(childVariant ? child(childVariant) : main()).catch(err => {
  console.error(err);
  process.exitCode = 1;
});
