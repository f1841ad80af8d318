// The simulation requests: a leader election (with the messages of its space-time diagram) and a
// replica sync. Both are jobs (lsp/progress.ts): `$/progress` as they run, cancellable, bad
// scenarios as USER_ERROR_CODE naming the option.
import type { Connection } from 'vscode-languageserver/node';
import { simulationElectRequest, simulationSyncRequest } from '../../shared/protocol';
import { UserError } from '../common/errors';
import { simulateElectionAsync } from '../simulation/election/run';
import { parseAlgorithm, parseCrash, parseDelay, parseOrder, parsePartition } from '../simulation/election/scenario';
import { simulateSyncAsync, syncScaling } from '../simulation/sync/antiEntropy';
import { runJob } from './progress';

const DEFAULT_TRACE = 20_000;
const MAX_TRACE = 200_000;

export function registerSimulation(connection: Connection): void {
  connection.onRequest(simulationElectRequest, (params, token) =>
    runJob(connection, 'Leader election', params, token, async job => {
      if (!params || typeof params.nodes !== 'number') throw new UserError('nodes: expected a number of nodes');
      const traceLimit = Math.min(MAX_TRACE, Math.max(0, Math.floor(params.traceLimit ?? DEFAULT_TRACE)));
      return simulateElectionAsync({
        algorithm: parseAlgorithm(params.algorithm),
        nodes: params.nodes,
        ...(params.order ? parseOrder(params.order) : {}),
        initiators: params.initiators,
        crashes: params.crashes?.map(parseCrash),
        partitions: params.partitions?.map(parsePartition),
        seed: params.seed,
        delay: params.delay ? parseDelay(params.delay) : undefined,
        loss: params.loss,
        traceLimit,
      }, {
        signal: job.signal,
        onProgress: p => job.report(`${p.events.toLocaleString('en-US')} events, t = ${p.time.toFixed(1)}`),
      });
    }));

  connection.onRequest(simulationSyncRequest, (params, token) =>
    runJob(connection, 'Replica sync', params, token, async job => {
      const result = await simulateSyncAsync(
        { replicas: params.replicas, keys: params.keys, diverge: params.diverge, branching: params.branching, seed: params.seed },
        { signal: job.signal, onProgress: m => job.report(m) },
      );
      const scaling = params.scaling
        ? syncScaling({ branching: result.branching, seed: params.seed }, { signal: job.signal, onProgress: m => job.report(m) })
        : undefined;
      return { result, scaling };
    }));
}
