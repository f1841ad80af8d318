// "Run Leader Election Simulation…" and "Run Replica Sync Simulation…": a few quick inputs,
// then the server runs the simulation (with a cancellable progress notification) and the
// simulation view shows it.
import * as vscode from 'vscode';
import { simulationElectRequest, simulationSyncRequest, type SimulationElectParams, type SimulationSyncParams } from '../shared/protocol';
import type { ServerClient } from './serverClient';
import { SimulationPanel } from './simulationPanel';

interface Choice<T> extends vscode.QuickPickItem {
  value: T;
}

const ALGORITHMS: Choice<string>[] = [
  { label: 'Bully', description: 'bully', detail: 'Garcia-Molina: ELECTION to every higher rank; the highest that answers wins', value: 'bully' },
  { label: 'Ring', description: 'ring', detail: 'The election collects the live ids round the ring; the initiator picks the highest', value: 'ring' },
  { label: 'Chang–Roberts', description: 'chang-roberts', detail: 'Ring: only the larger id travels on; best 2n−1, worst n(n+1)/2 messages', value: 'chang-roberts' },
  { label: 'Next-in-line failover', description: 'next-in-line', detail: 'The leader publishes a failover list; the next in line takes over without an election', value: 'next-in-line' },
  { label: 'Candidate/ordinary', description: 'candidate', detail: 'Only candidates lead; higher ranks start first (delay δ per rank)', value: 'candidate' },
  { label: 'Invitation', description: 'invitation', detail: 'Every node leads its own group; groups merge by invitation', value: 'invitation' },
];

const STEPS = 5;

/** A number from an input box, or undefined when the user cancels. */
async function askNumber(title: string, prompt: string, value: string, min: number, max: number, integer = true): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title, prompt, value, ignoreFocusOut: true,
    validateInput: v => {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) return `Enter a ${integer ? 'whole ' : ''}number`;
      if (n < min || n > max) return `Enter a number from ${min.toLocaleString()} to ${max.toLocaleString()}`;
      return undefined;
    },
  });
  return text === undefined ? undefined : Number(text);
}

async function pick<T>(title: string, items: Choice<T>[], placeHolder: string): Promise<T | undefined> {
  const chosen = await vscode.window.showQuickPick(items, { title, placeHolder, matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true });
  return chosen?.value;
}

export class SimulationCommands {
  constructor(private readonly context: vscode.ExtensionContext, private readonly server: ServerClient) {}

  register(): void {
    const reg = (id: string, fn: () => unknown) => this.context.subscriptions.push(vscode.commands.registerCommand(id, fn));
    reg('mlw.simulation.runElection', () => this.runElection());
    reg('mlw.simulation.runSync', () => this.runSync());
  }

  async runElection(): Promise<void> {
    const title = (step: number) => `Leader Election Simulation (${step}/${STEPS})`;
    const algorithm = await pick(title(1), ALGORITHMS, 'Algorithm');
    if (!algorithm) return;
    const nodes = await askNumber(title(2), 'Number of nodes (ranks 1..N; the highest rank wins)', '8', 2, 2000);
    if (nodes === undefined) return;
    const failures = await pick(title(3), [
      { label: 'No failures', value: [] as string[] },
      { label: `Leader ${nodes} is dead from the start`, description: `--crash ${nodes}@0`, value: [`${nodes}@0`] },
      { label: `Leader ${nodes} crashes at t=40`, description: `--crash ${nodes}@40`, value: [`${nodes}@40`] },
      { label: `Leader ${nodes} crashes at t=40 and comes back at t=150`, description: `--crash ${nodes}@40-150`, value: [`${nodes}@40-150`] },
      { label: 'Custom…', description: 'ID@T or ID@T1-T2, comma-separated', value: null as unknown as string[] },
    ], 'Crashes');
    if (!failures) {
      if (failures === null) return this.customElection(algorithm, nodes, title);
      return;
    }
    const half = Math.floor(nodes / 2);
    const groups = `${range(1, half)}|${range(half + 1, nodes)}`;
    const partitions = await pick(title(4), [
      { label: 'No partition', value: [] as string[] },
      { label: 'Split in two halves from t=20 to t=200', description: `"${groups}@20-200"`, value: [`${groups}@20-200`] },
      { label: 'Split in two halves from t=20, never healed', description: `"${groups}@20"`, value: [`${groups}@20`] },
    ], 'Network partitions');
    if (!partitions) return;
    const seed = await askNumber(title(5), 'Seed (the same seed gives the same run)', '1', 0, 2 ** 32 - 1);
    if (seed === undefined) return;
    await this.elect({ algorithm, nodes, crashes: failures, partitions, seed });
  }

  /** "Custom…" crashes: typed as on the command line, then the partition typed the same way. */
  private async customElection(algorithm: string, nodes: number, title: (step: number) => string): Promise<void> {
    const crashes = await vscode.window.showInputBox({ title: title(3), prompt: 'Crashes: ID@T or ID@T1-T2 (back at T2), comma-separated; empty for none', value: `${nodes}@0`, ignoreFocusOut: true });
    if (crashes === undefined) return;
    const partition = await vscode.window.showInputBox({ title: title(4), prompt: 'Partition: groups of ids split by "|", then @T1-T2, e.g. 1,2|3,4@20-200; empty for none', value: '', ignoreFocusOut: true });
    if (partition === undefined) return;
    const seed = await askNumber(title(5), 'Seed (the same seed gives the same run)', '1', 0, 2 ** 32 - 1);
    if (seed === undefined) return;
    const list = (s: string) => s.split(/[\s,;]+(?=\d+@)/).map(x => x.trim()).filter(Boolean);
    await this.elect({ algorithm, nodes, crashes: list(crashes), partitions: partition.trim() ? [partition.trim()] : [], seed });
  }

  private async elect(params: Omit<SimulationElectParams, 'workDoneToken'>): Promise<void> {
    const run = (seed: number) => this.server.withProgress(`Simulating ${params.algorithm} with ${params.nodes} nodes`, simulationElectRequest, { ...params, seed });
    const result = await run(params.seed ?? 1);
    if (!result) return;
    this.server.output.info(`election ${params.algorithm}, ${params.nodes} nodes, seed ${result.seed}: leader ${result.leader ?? 'none'}, ${result.messages} messages${result.splitBrain ? ', split brain' : ''}`);
    const title = (seed: number) => `Election: ${params.algorithm}, ${params.nodes} nodes, seed ${seed}`;
    const panel = new SimulationPanel(this.context.extensionUri, title(result.seed), async seed => {
      const r = await run(seed);
      return r && { kind: 'election', title: title(seed), result: r };
    });
    panel.show({ kind: 'election', title: title(result.seed), result });
  }

  async runSync(): Promise<void> {
    const title = (step: number) => `Replica Sync Simulation (${step}/${STEPS})`;
    const replicas = await askNumber(title(1), 'Replicas (R)', '3', 2, 30);
    if (replicas === undefined) return;
    const keys = await askNumber(title(2), 'Keys in the key space (K)', '100000', 1, 5_000_000);
    if (keys === undefined) return;
    const diverge = await askNumber(title(3), `Diverged keys (d, up to ${keys.toLocaleString()})`, String(Math.min(100, keys)), 0, keys);
    if (diverge === undefined) return;
    const branching = await pick(title(4), [2, 4, 8, 16, 32].map(b => ({ label: String(b), description: b === 16 ? 'default' : undefined, value: b })), 'Tree branching (children per node)');
    if (branching === undefined) return;
    const seed = await askNumber(title(5), 'Seed (the same seed gives the same run)', '1', 0, 2 ** 32 - 1);
    if (seed === undefined) return;
    await this.sync({ replicas, keys, diverge, branching, seed, scaling: true });
  }

  private async sync(params: Omit<SimulationSyncParams, 'workDoneToken'>): Promise<void> {
    const run = (seed: number) => this.server.withProgress(`Simulating anti-entropy: ${params.replicas} replicas, ${params.keys.toLocaleString()} keys`, simulationSyncRequest, { ...params, seed });
    const r = await run(params.seed ?? 1);
    if (!r) return;
    const title = (seed: number) => `Replica Sync: ${params.replicas} × ${params.keys.toLocaleString()} keys, seed ${seed}`;
    const panel = new SimulationPanel(this.context.extensionUri, title(params.seed ?? 1), async seed => {
      const again = await run(seed);
      return again && { kind: 'sync', title: title(seed), result: again.result, scaling: again.scaling };
    });
    panel.show({ kind: 'sync', title: title(params.seed ?? 1), result: r.result, scaling: r.scaling });
  }
}

function range(from: number, to: number): string {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i).join(',');
}
