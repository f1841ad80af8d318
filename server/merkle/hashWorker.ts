// Worker thread that hashes files for the Merkle tree: reads each file in 1 MiB chunks
// (streamed, bounded memory) and returns its SHA-256 with the stat it was hashed under.
import { parentPort } from 'node:worker_threads';
import { hashFile, type HashRequest } from './hashFile';

parentPort!.on('message', (req: HashRequest) => {
  parentPort!.postMessage({ id: req.id, results: req.files.map(hashFile) });
});
