/**
 * Things due at a time, taken earliest first; two due at the same time come
 * out in the order they were scheduled, so a simulation is deterministic.
 * A binary min-heap on (atNs, sequence).
 */
export class ScheduledEvents<T> {
  readonly #heap: { atNs: number; sequence: number; item: T }[] = []
  #sequence = 0

  get size(): number {
    return this.#heap.length
  }

  schedule(atNs: number, item: T): void {
    const heap = this.#heap
    heap.push({ atNs, sequence: this.#sequence++, item })
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(heap[i]!, heap[parent]!)) break
      ;[heap[i], heap[parent]] = [heap[parent]!, heap[i]!]
      i = parent
    }
  }

  /** When the earliest is due, or undefined when nothing is scheduled. */
  nextAtNs(): number | undefined {
    return this.#heap[0]?.atNs
  }

  /** The earliest item if it is due by `nowNs`. */
  takeDue(nowNs: number): T | undefined {
    const heap = this.#heap
    const top = heap[0]
    if (top === undefined || top.atNs > nowNs) return undefined
    const last = heap.pop()!
    if (heap.length > 0) {
      heap[0] = last
      let i = 0
      for (;;) {
        const left = 2 * i + 1
        const right = left + 1
        let least = i
        if (left < heap.length && before(heap[left]!, heap[least]!)) least = left
        if (right < heap.length && before(heap[right]!, heap[least]!)) least = right
        if (least === i) break
        ;[heap[i], heap[least]] = [heap[least]!, heap[i]!]
        i = least
      }
    }
    return top.item
  }
}

function before(a: { atNs: number; sequence: number }, b: { atNs: number; sequence: number }): boolean {
  return a.atNs < b.atNs || (a.atNs === b.atNs && a.sequence < b.sequence)
}
