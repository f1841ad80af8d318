// The future events of a discrete-event simulation, earliest first. Events at the same time
// come out in the order they were scheduled, so a run depends only on its inputs and seed.

export interface Scheduled {
  time: number;
  /** Scheduling order: breaks ties between events at the same time. */
  seq: number;
}

/** A binary min-heap on (time, seq). */
export class EventQueue<E extends Scheduled> {
  private readonly heap: E[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Schedules `event` (its `seq` is set here). */
  push(event: E): void {
    event.seq = this.nextSeq++;
    const heap = this.heap;
    let i = heap.length;
    heap.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (p.time < event.time || (p.time === event.time && p.seq < event.seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
  }

  peek(): E | undefined {
    return this.heap[0];
  }

  pop(): E | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    const n = heap.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      let child = heap[l];
      if (r < n) {
        const right = heap[r];
        if (right.time < child.time || (right.time === child.time && right.seq < child.seq)) {
          c = r;
          child = right;
        }
      }
      if (last.time < child.time || (last.time === child.time && last.seq < child.seq)) break;
      heap[i] = child;
      i = c;
    }
    heap[i] = last;
    return top;
  }
}

/**
 * The same order for runs whose events bunch up at a few distinct times (fixed message delays):
 * one FIFO bucket per time and a heap of the distinct times, so scheduling and taking an event
 * cost O(1) instead of O(log n) with a million events pending.
 */
export class BucketQueue<E extends Scheduled> {
  private readonly buckets = new Map<number, { events: E[]; head: number }>();
  private readonly times = new EventQueue<{ time: number; seq: number }>();
  private current: { time: number; events: E[]; head: number } | undefined;
  private count = 0;
  private nextSeq = 0;

  get size(): number {
    return this.count;
  }

  push(event: E): void {
    event.seq = this.nextSeq++;
    this.count++;
    const bucket = this.buckets.get(event.time);
    if (bucket) bucket.events.push(event);
    else {
      this.buckets.set(event.time, { events: [event], head: 0 });
      this.times.push({ time: event.time, seq: 0 });
    }
  }

  private front(): { time: number; events: E[]; head: number } | undefined {
    if (this.current && this.current.head < this.current.events.length) return this.current;
    if (this.current) {
      this.buckets.delete(this.current.time);
      this.times.pop();
      this.current = undefined;
    }
    const next = this.times.peek();
    if (!next) return undefined;
    const bucket = this.buckets.get(next.time)!;
    this.current = { time: next.time, events: bucket.events, head: bucket.head };
    // Later pushes at this time land in bucket.events too (the same array).
    return this.current;
  }

  peek(): E | undefined {
    const b = this.front();
    return b ? b.events[b.head] : undefined;
  }

  pop(): E | undefined {
    const b = this.front();
    if (!b) return undefined;
    const e = b.events[b.head];
    b.events[b.head++] = undefined as unknown as E; // let it be collected
    this.count--;
    return e;
  }
}
