import type { Logger } from '../../log/logger.js'
import type { LiveOrder } from './ccxt-live-order.js'

/**
 * Requests to the venues, each order's one after the other: a cancel waits
 * for the create it cancels, an amend's replacement for the amend that makes
 * it. A request that fails unexpectedly is logged and never left to stop the
 * ones behind it; every one in flight is known, so a stopping session can
 * wait for its last answers.
 */
export class CcxtRequestQueue {
  readonly #inFlight = new Set<Promise<void>>()
  readonly #logger: Logger
  readonly #afterEach: () => void

  /** `afterEach` runs when any request has settled (the sessions write and announce its answers). */
  constructor(logger: Logger, afterEach: () => void) {
    this.#logger = logger
    this.#afterEach = afterEach
  }

  /** Runs `task` after the order's last request. */
  enqueue(live: LiveOrder, task: () => Promise<void>): void {
    live.chain = this.run(() => live.chain.then(task))
  }

  /** Runs `task` now, about an order no chain holds (one the session does not know). */
  run(task: () => Promise<void>): Promise<void> {
    const done = task()
      .catch((err: unknown) => this.#logger.error({ err }, 'ccxt venue request failed unexpectedly'))
      .finally(() => {
        this.#inFlight.delete(done)
        this.#afterEach()
      })
    this.#inFlight.add(done)
    return done
  }

  /** Waits for the requests already sent to be answered, at most `timeoutMs` (the session is ending). */
  async drain(timeoutMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))
    await Promise.race([Promise.allSettled([...this.#inFlight]), late])
    clearTimeout(timer)
  }
}
