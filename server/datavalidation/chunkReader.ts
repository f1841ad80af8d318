// Reading a file in chunks for a tokenizer that may stop in the middle of a record: the cut
// record is moved to the front of the buffer and the next read goes after it; a record longer
// than the buffer makes it grow (the consumer stops before MAX_RECORD_BYTES).

import * as fs from 'node:fs';

export const CHUNK_BYTES = 1 << 20;
/** A record (or an open quoted field) longer than this is an error, which keeps memory bounded. */
export const MAX_RECORD_BYTES = 64 << 20;

// Non-blocking, so that a FIFO put in the file's place after it was checked cannot hang a read.
export const READ_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;

export interface ChunkConsumer {
  /** Consumes complete records of buf[0, filled), whose first byte is at file offset `offset`; returns the bytes consumed. */
  feed(buf: Buffer, filled: number, offset: number, isLast: boolean): number;
  /** Set once the consumer wants no more bytes. */
  readonly done: boolean;
}

/** A read the driver must do: `length` bytes at file `position` into buf at `at`. */
export interface ReadRequest {
  buf: Buffer;
  at: number;
  length: number;
  position: number;
}

/**
 * Yields the reads to make from `start` up to `size` and feeds what was read (the driver
 * passes back the bytes read) to `consumer`, until it is done or the file ends.
 */
export function* readLoop(start: number, size: number, consumer: ChunkConsumer): Generator<ReadRequest, void, number> {
  let buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(size - start, 1)));
  let offset = start;
  let filled = 0;
  for (;;) {
    const position = offset + filled;
    const length = Math.min(buf.length - filled, size - position);
    const n = length > 0 ? yield { buf, at: filled, length, position } : 0;
    filled += n;
    // A short read means the file shrank meanwhile: what was read is all there is.
    const isLast = n < length || offset + filled >= size;
    const consumed = consumer.feed(buf, filled, offset, isLast);
    if (consumer.done || isLast) return;
    if (consumed === 0 && filled === buf.length) {
      if (buf.length >= MAX_RECORD_BYTES + CHUNK_BYTES) throw new Error('record too long');
      const grown = Buffer.allocUnsafe(Math.min(buf.length * 2, MAX_RECORD_BYTES + CHUNK_BYTES));
      buf.copy(grown, 0, 0, filled);
      buf = grown;
    } else if (consumed > 0) {
      buf.copy(buf, 0, consumed, filled);
      filled -= consumed;
      offset += consumed;
    }
  }
}
