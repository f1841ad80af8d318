// Counting the distinct values of a string column in bounded memory: exact up to a cap of
// distinct values (and of their total bytes), then approximate and still mergeable:
// - unique: a HyperLogLog of 2^14 registers (standard error about 0.8%);
// - frequencies: a Misra-Gries summary (Agarwal et al., "Mergeable summaries", 2012). When it
//   grows past the cap, the count of the (keep+1)-th most frequent value is subtracted from
//   every counter and counters at zero are dropped, so each count is a lower bound that is
//   short by at most `error` (the sum of what was subtracted, at most n / (keep + 1)).
//
// While scanning, ByteCounts keys values by their bytes (a value seen before costs a hash and
// a comparison, no string). Between threads and when merging, ValueCountsData keys them by
// their raw bytes read as latin1 (one char per byte): the same for valid and invalid UTF-8,
// ordered as bytes compare, and hashed to the same HyperLogLog registers.

export const DEFAULT_DISTINCT_CAP = 100_000;
export const DEFAULT_KEY_BYTES_CAP = 32 << 20;

const HLL_BITS = 14;
const HLL_REGISTERS = 1 << HLL_BITS;

export interface ValueCountsData {
  counts: Map<string, number>;
  keyBytes: number;
  /** Present once the counts are approximate. */
  hll: Uint8Array | null;
  /** Upper bound of how much any count may be short by (0 while exact). */
  error: number;
  distinctCap: number;
  keyBytesCap: number;
}

export function newValueCounts(distinctCap = DEFAULT_DISTINCT_CAP, keyBytesCap = DEFAULT_KEY_BYTES_CAP): ValueCountsData {
  return { counts: new Map(), keyBytes: 0, hll: null, error: 0, distinctCap, keyBytesCap };
}

/** Adds `other` into `into`. */
export function mergeValueCounts(into: ValueCountsData, other: ValueCountsData): void {
  if (other.hll && !into.hll) {
    into.hll = new Uint8Array(HLL_REGISTERS);
    for (const key of into.counts.keys()) hllAdd(into.hll, hash32(key));
  }
  if (into.hll) {
    if (other.hll) for (let i = 0; i < HLL_REGISTERS; i++) into.hll[i] = Math.max(into.hll[i], other.hll[i]);
    else for (const key of other.counts.keys()) hllAdd(into.hll, hash32(key));
  }
  for (const [key, n] of other.counts) {
    const c = into.counts.get(key);
    if (c === undefined) {
      into.counts.set(key, n);
      into.keyBytes += key.length;
    } else into.counts.set(key, c + n);
  }
  into.error += other.error;
  if (into.counts.size > into.distinctCap || into.keyBytes > into.keyBytesCap) {
    if (!into.hll) {
      into.hll = new Uint8Array(HLL_REGISTERS);
      for (const key of into.counts.keys()) hllAdd(into.hll, hash32(key));
    }
    pruneMap(into, Math.floor(into.distinctCap / 2));
    while (into.keyBytes > into.keyBytesCap && into.counts.size > 1) pruneMap(into, Math.floor(into.counts.size / 2));
  }
}

export function isApproximate(vc: ValueCountsData): boolean {
  return vc.hll !== null;
}

export function uniqueCount(vc: ValueCountsData): number {
  if (!vc.hll) return vc.counts.size;
  // The summary's keys are distinct values too: never report fewer.
  return Math.max(vc.counts.size, Math.round(hllEstimate(vc.hll)));
}

/**
 * The `n` most frequent values, most frequent first; among equal counts the greater value
 * (by bytes) first, as TFDV sorts them.
 */
export function topValues(vc: ValueCountsData, n: number): { key: string; count: number }[] {
  const all = [...vc.counts].map(([key, count]) => ({ key, count }));
  all.sort((a, b) => b.count - a.count || (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
  return all.slice(0, n);
}

/** Keeps at most `keep` counters: subtracts the (keep+1)-th largest count from all. */
function pruneMap(vc: ValueCountsData, keep: number): void {
  if (vc.counts.size <= keep) return;
  const cut = kthLargest(Float64Array.from(vc.counts.values()), keep + 1);
  const next = new Map<string, number>();
  let keyBytes = 0;
  for (const [key, c] of vc.counts) {
    if (c > cut) {
      next.set(key, c - cut);
      keyBytes += key.length;
    }
  }
  vc.counts = next;
  vc.keyBytes = keyBytes;
  vc.error += cut;
}

/**
 * The counts of one scan, keyed by bytes: an open-addressing table over an arena holding
 * each distinct value's bytes once. Past the caps it prunes itself as Misra-Gries and keeps a
 * HyperLogLog, so memory stays within the caps however many values come.
 */
export class ByteCounts {
  private slots = new Int32Array(1024).fill(-1);
  private hashes = new Uint32Array(256);
  private starts = new Int32Array(256);
  private lengths = new Int32Array(256);
  private counts = new Float64Array(256);
  private arena = Buffer.allocUnsafe(64 << 10);
  private arenaUsed = 0;
  private size = 0;
  private hll: Uint8Array | null = null;
  private error = 0;

  constructor(private readonly distinctCap: number, private readonly keyBytesCap: number) {}

  add(buf: Uint8Array, start: number, end: number): void {
    const h = hashBytes(buf, start, end);
    if (this.hll) hllAdd(this.hll, h);
    const len = end - start;
    let mask = this.slots.length - 1;
    let slot = h & mask;
    for (let id: number; (id = this.slots[slot]) >= 0; slot = (slot + 1) & mask) {
      if (this.hashes[id] === h && this.lengths[id] === len && bytesEqual(this.arena, this.starts[id], buf, start, len)) {
        this.counts[id]++;
        return;
      }
    }
    if (this.size >= this.distinctCap || this.arenaUsed + len > this.keyBytesCap) {
      this.approximate(h);
      // A huge value is never a key: it counts only as error (its count is then short by it).
      if (len > this.keyBytesCap >>> 4) {
        this.error++;
        return;
      }
      this.prune(Math.floor(this.distinctCap / 2));
      while (this.arenaUsed + len > this.keyBytesCap && this.size > 0) this.prune(Math.floor(this.size / 2));
      mask = this.slots.length - 1;
      for (slot = h & mask; this.slots[slot] >= 0; slot = (slot + 1) & mask);
    }
    this.insert(slot, h, buf, start, end, 1);
  }

  /** The counts keyed by latin1 strings, for another thread or a merge. */
  toValueCounts(): ValueCountsData {
    const vc = newValueCounts(this.distinctCap, this.keyBytesCap);
    for (let id = 0; id < this.size; id++) {
      vc.counts.set(this.arena.toString('latin1', this.starts[id], this.starts[id] + this.lengths[id]), this.counts[id]);
    }
    vc.keyBytes = this.arenaUsed;
    vc.hll = this.hll;
    vc.error = this.error;
    return vc;
  }

  /** From now on also a HyperLogLog of every value, starting with those counted so far. */
  private approximate(current: number): void {
    if (this.hll) return;
    this.hll = new Uint8Array(HLL_REGISTERS);
    for (let id = 0; id < this.size; id++) hllAdd(this.hll, this.hashes[id]);
    hllAdd(this.hll, current);
  }

  /** Misra-Gries: keeps at most `keep` counters, less the (keep+1)-th largest count. */
  private prune(keep: number): void {
    if (this.size <= keep) return;
    const cut = kthLargest(this.counts.slice(0, this.size), keep + 1);
    const old = { hashes: this.hashes, starts: this.starts, lengths: this.lengths, counts: this.counts, arena: this.arena, size: this.size };
    this.hashes = new Uint32Array(old.hashes.length);
    this.starts = new Int32Array(old.hashes.length);
    this.lengths = new Int32Array(old.hashes.length);
    this.counts = new Float64Array(old.hashes.length);
    this.arena = Buffer.allocUnsafe(old.arena.length);
    this.arenaUsed = 0;
    this.size = 0;
    this.slots.fill(-1);
    const mask = this.slots.length - 1;
    for (let id = 0; id < old.size; id++) {
      if (old.counts[id] <= cut) continue;
      let slot = old.hashes[id] & mask;
      while (this.slots[slot] >= 0) slot = (slot + 1) & mask;
      this.insert(slot, old.hashes[id], old.arena, old.starts[id], old.starts[id] + old.lengths[id], old.counts[id] - cut);
    }
    this.error += cut;
  }

  private insert(slot: number, h: number, buf: Uint8Array, start: number, end: number, count: number): void {
    const id = this.size++;
    if (id === this.hashes.length) this.growEntries();
    const len = end - start;
    if (this.arenaUsed + len > this.arena.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.arenaUsed + len));
      this.arena.copy(grown, 0, 0, this.arenaUsed);
      this.arena = grown;
    }
    this.arena.set(buf.subarray(start, end), this.arenaUsed);
    this.hashes[id] = h;
    this.starts[id] = this.arenaUsed;
    this.lengths[id] = len;
    this.counts[id] = count;
    this.arenaUsed += len;
    this.slots[slot] = id;
    // Keep the table at most half full.
    if (this.size * 2 > this.slots.length) this.rehash();
  }

  private growEntries(): void {
    const n = this.hashes.length * 2;
    const grow = <T extends Uint32Array | Int32Array | Float64Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.hashes = grow(this.hashes, new Uint32Array(n));
    this.starts = grow(this.starts, new Int32Array(n));
    this.lengths = grow(this.lengths, new Int32Array(n));
    this.counts = grow(this.counts, new Float64Array(n));
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let id = 0; id < this.size; id++) {
      let slot = this.hashes[id] & mask;
      while (slots[slot] >= 0) slot = (slot + 1) & mask;
      slots[slot] = id;
    }
    this.slots = slots;
  }
}

function bytesEqual(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}

/** The k-th largest (1-based) of `a` by quickselect; reorders `a`. */
export function kthLargest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] > pivot) i++;
      while (a[j] < pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target];
  }
  return a[target];
}

// --- hashing: FNV-1a finished with murmur3's avalanche (FNV alone mixes the last bytes
// poorly); the same value for a value's bytes and for its latin1 string ---

export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return avalanche(h);
}

export function hash32(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return avalanche(h);
}

function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// --- HyperLogLog (Flajolet et al. 2007) over the 32-bit hash ---

function hllAdd(registers: Uint8Array, h: number): void {
  const index = h >>> (32 - HLL_BITS);
  const rest = (h << HLL_BITS) >>> 0;
  const rank = rest === 0 ? 32 - HLL_BITS + 1 : Math.clz32(rest) + 1;
  if (rank > registers[index]) registers[index] = rank;
}

export function hllEstimate(registers: Uint8Array): number {
  const m = registers.length;
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < m; i++) {
    sum += 2 ** -registers[i];
    if (registers[i] === 0) zeros++;
  }
  const alpha = 0.7213 / (1 + 1.079 / m);
  const raw = (alpha * m * m) / sum;
  if (raw <= 2.5 * m && zeros > 0) return m * Math.log(m / zeros);
  const two32 = 2 ** 32;
  if (raw > two32 / 30) return -two32 * Math.log(1 - raw / two32);
  return raw;
}
