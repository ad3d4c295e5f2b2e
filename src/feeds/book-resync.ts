/**
 * A reader of the market ring that was restarted asks for whole books: it
 * attached at the ring's current position, so the levels that have not
 * changed since it died never reach it. One shared counter: the coordinator
 * raises it when it restarts an agent that reads the market ring, and
 * data_feeds answers at its next sense step with a snapshot of every book
 * its source holds (Clear, then the levels), which every other reader takes
 * as it takes any snapshot.
 */
export class BookResync {
  readonly sab: SharedArrayBuffer
  readonly #words: Int32Array
  /** Requests answered by this side, for `taken`. */
  #answered: number

  private constructor(sab: SharedArrayBuffer) {
    this.sab = sab
    this.#words = new Int32Array(sab)
    this.#answered = Atomics.load(this.#words, 0)
  }

  /** The counter on a cache line of its own. */
  static create(): BookResync {
    return new BookResync(new SharedArrayBuffer(64))
  }

  /** Another thread's view; requests made before it attached count as answered. */
  static attach(sab: SharedArrayBuffer): BookResync {
    return new BookResync(sab)
  }

  /** Whole books, please: a reader of the market ring starts again. */
  request(): void {
    Atomics.add(this.#words, 0, 1)
  }

  /**
   * How many requests came since the last call (0 for none); taking them
   * answers them. Requests that come close together, two readers restarted
   * between one sense step and the next, are answered by one set of whole
   * books, and counted each.
   */
  take(): number {
    const requested = Atomics.load(this.#words, 0)
    const waiting = (requested - this.#answered) | 0
    this.#answered = requested
    return waiting
  }
}
