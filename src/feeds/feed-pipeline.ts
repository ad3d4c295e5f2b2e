import type { Clock } from '../clock/clock.js'
import type { Logger } from '../log/logger.js'
import type { SingleProducerSequencer } from '../ring/index.js'
import { DerivedSignals } from './derived-signals.js'
import type { FeedSource } from './feed-source.js'
import { RingFeedSink } from './ring-feed-sink.js'
import { ValidationBridge } from './validation/validation-bridge.js'

export interface FeedPipelineOptions {
  instruments: number
  venues: number
  /** The market ring's producer. */
  sequencer: SingleProducerSequencer
  clock: Clock
  logger?: Logger
  /** Rejects events older than this versus the clock; absent: no staleness check. */
  maxAgeNs?: number
  /** Trades in the derived signals' rolling window. Default 500. */
  signalWindow?: number
  /** Deltas and trades held while the ring is full. Default 65_536. */
  backlogMessages?: number
  /** Called after messages reach the ring, once per microtask turn at most: wake the ring's readers here. */
  onPublished?: () => void
}

/**
 * One source wired the way every source runs: source → validation bridge →
 * derived signals → market ring. Only events the bridge accepts reach the
 * signals and the ring; the bridge counts the rest.
 */
export class FeedPipeline {
  readonly source: FeedSource
  readonly bridge: ValidationBridge
  readonly signals: DerivedSignals
  readonly ring: RingFeedSink
  #running: Promise<void> | undefined

  constructor(source: FeedSource, options: FeedPipelineOptions) {
    const { instruments, venues } = options
    this.source = source
    this.ring = new RingFeedSink(options.sequencer, {
      instruments,
      venues,
      ...(options.backlogMessages !== undefined && { backlogMessages: options.backlogMessages }),
      ...(options.logger !== undefined && { logger: options.logger }),
      ...(options.onPublished !== undefined && { onPublished: options.onPublished }),
    })
    this.signals = new DerivedSignals({ instruments, venues, window: options.signalWindow ?? 500 }, this.ring)
    this.bridge = new ValidationBridge(this.signals, {
      instruments,
      venues,
      clock: options.clock,
      ...(options.maxAgeNs !== undefined && { maxAgeNs: options.maxAgeNs }),
      ...(options.logger !== undefined && { logger: options.logger }),
    })
  }

  /** Starts the source; resolves when it ends (a replay at its last line) or is stopped. */
  start(): Promise<void> {
    this.#running ??= this.source.start(this.bridge)
    return this.#running
  }

  async stop(): Promise<void> {
    await this.source.stop()
    await this.#running
  }

  /** Publishes what waits for ring room; call once per step. Returns what still waits. */
  flush(): number {
    return this.ring.flush()
  }

  /** Every count, flat, for an agent's counters. */
  writeCounters(into: Record<string, number>): void {
    this.bridge.writeCounters(into)
    const c = this.ring.counts
    into['ring_quotes'] = c.quotes
    into['ring_book_deltas'] = c.bookDeltas
    into['ring_trades'] = c.trades
    into['ring_backlog'] = this.ring.backlog
    into['ring_backlogged'] = c.backlogged
    into['ring_overflowed'] = c.overflowed
    into['ring_conflated'] = this.ring.publisher.sequencer.ring.conflatedCount
  }
}
