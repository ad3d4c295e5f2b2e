/**
 * Decides which rejections of one reason get a log line: the first
 * `first`, then one in every `every`. Counting stays exact; only the log is
 * sampled, so a flood of garbage costs a counter increment, not a line.
 */
export class RejectSampler {
  readonly first: number
  readonly every: number
  readonly #seen = new Map<string, number>()

  constructor(first = 5, every = 1000) {
    if (!(Number.isInteger(first) && first >= 0)) throw new RangeError(`logFirst must be a non-negative integer, got ${first}`)
    if (!(Number.isInteger(every) && every >= 1)) throw new RangeError(`logEvery must be a positive integer, got ${every}`)
    this.first = first
    this.every = every
  }

  /** Records one more rejection for `reason`; true when this one should be logged. */
  shouldLog(reason: string): boolean {
    const n = (this.#seen.get(reason) ?? 0) + 1
    this.#seen.set(reason, n)
    return n <= this.first || (n - this.first) % this.every === 0
  }
}
