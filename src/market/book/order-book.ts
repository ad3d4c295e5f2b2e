import { WavesError } from '../../errors/index.js'
import { BookAction, Side } from '../../schemas/index.js'
import { depthImbalance } from '../order-flow.js'
import { BookSide } from './book-side.js'
import { BookSyncEvent, BookSyncState, BookUpdate, nextSyncState, syncStateName } from './book-sync.js'
import { checkSnapshotSide, NO_LEVELS, type BookLevelInput } from './book-snapshot.js'
import { microprice } from './microprice.js'

export interface OrderBookOptions {
  instrumentId?: number
  venueId?: number
  /** Levels a side holds before its arrays grow. Default 64. */
  initialLevels?: number
  /**
   * The depth the venue publishes: each side keeps its best `maxLevels` and
   * drops the worst beyond them. Absent: no limit.
   */
  maxLevels?: number
}

/** Whether the best bid reaches the best ask. */
export const CrossState = Object.freeze({ None: 0, Locked: 1, Crossed: 2 } as const)
export type CrossState = (typeof CrossState)[keyof typeof CrossState]

/**
 * An L2 order book of one instrument on one venue, in integer ticks and
 * lots: a snapshot, then deltas (set or delete a level, add or remove size
 * at a price), each checked against the venue's sequence.
 *
 * Sequencing: a delta's venue sequence must continue the last one applied
 * (several deltas of one venue update may share it; a venue that numbers an
 * update as a range passes its first sequence too). A sequence at or below
 * the last is stale and ignored. A skip is a gap: the book goes out of sync,
 * counts it, returns `BookUpdate.Gap` once, then refuses every delta until
 * the next snapshot. While out of sync every read answers NaN or no levels,
 * never the stale levels. Sequence 0 means the venue gives none: no check.
 *
 * Hot path: every update and read is a few typed-array loads and stores;
 * nothing allocates and nothing throws.
 */
export class OrderBook {
  readonly instrumentId: number
  readonly venueId: number
  readonly bids: BookSide
  readonly asks: BookSide
  /** Gaps seen: each one took the book out of sync. */
  gaps = 0
  /** Deltas ignored because their sequence was at or below the last applied. */
  staleDeltas = 0
  /** Deltas refused because the book was not in sync. */
  refusedDeltas = 0
  /** Removals and deletions at a price the book does not hold. */
  unknownLevels = 0
  /** Snapshots applied; each one after a gap is a resync. */
  snapshots = 0
  resyncs = 0
  /** Times the book went from uncrossed to locked, and to crossed. */
  lockedCount = 0
  crossedCount = 0
  /** Size of the level the last applied update touched: 0 when it went away. What an L2 feed publishes. */
  levelSizeLots = 0
  #state: BookSyncState = BookSyncState.AwaitingSnapshot
  #lastSequence = 0
  /** A delta of the last sequence was applied: more deltas of the same update may follow. */
  #withinUpdate = false
  #cross: CrossState = CrossState.None

  constructor(options: OrderBookOptions = {}) {
    const maxLevels = options.maxLevels ?? Infinity
    const initialLevels = options.initialLevels ?? 64
    if (!(maxLevels === Infinity || (Number.isInteger(maxLevels) && maxLevels >= 1))) {
      throw new WavesError('ERR_BOOK_CONFIG', `maxLevels must be a whole number of at least 1, got ${maxLevels}`, { maxLevels })
    }
    if (!(Number.isInteger(initialLevels) && initialLevels >= 1)) {
      throw new WavesError('ERR_BOOK_CONFIG', `initialLevels must be a whole number of at least 1, got ${initialLevels}`, { initialLevels })
    }
    this.instrumentId = options.instrumentId ?? 0
    this.venueId = options.venueId ?? 0
    this.bids = new BookSide(1, initialLevels, maxLevels)
    this.asks = new BookSide(-1, initialLevels, maxLevels)
  }

  get syncState(): 'awaiting_snapshot' | 'in_sync' | 'out_of_sync' {
    return syncStateName(this.#state)
  }

  get inSync(): boolean {
    return this.#state === BookSyncState.InSync
  }

  /** The owner's signal to request a snapshot: no snapshot yet, or a gap since the last. */
  get needsSnapshot(): boolean {
    return this.#state !== BookSyncState.InSync
  }

  get lastSequence(): number {
    return this.#lastSequence
  }

  get crossState(): CrossState {
    return this.#cross
  }

  /**
   * Replaces the whole book. Levels best first on each side (descending
   * bids, ascending asks), sizes positive; anything else is refused with
   * ERR_BOOK_SNAPSHOT and leaves the book as it was.
   */
  applySnapshot(bids: ArrayLike<BookLevelInput>, asks: ArrayLike<BookLevelInput>, venueSequence: number): void {
    checkSnapshotSide(bids, 1, 'bid')
    checkSnapshotSide(asks, -1, 'ask')
    this.bids.load(bids, Math.min(bids.length, this.bids.maxLevels))
    this.asks.load(asks, Math.min(asks.length, this.asks.maxLevels))
    if (this.#state === BookSyncState.OutOfSync) this.resyncs++
    this.snapshots++
    this.#state = nextSyncState(this.#state, BookSyncEvent.Snapshot)
    this.#lastSequence = venueSequence
    this.#withinUpdate = false
    this.#updateCross()
  }

  /**
   * Starts a snapshot that arrives as level changes (as on the market ring):
   * empties both sides and puts the book in sync at `venueSequence`; the
   * Set deltas that carry the snapshot's levels share that sequence.
   */
  beginSnapshot(venueSequence: number): void {
    this.applySnapshot(NO_LEVELS, NO_LEVELS, venueSequence)
    this.#withinUpdate = true
  }

  /**
   * A BookDelta struct's change: Set puts `sizeLots` at the level, Delete
   * removes it, Clear begins a snapshot (the book empties, in sync at its
   * sequence, and the Sets that follow at that sequence fill it).
   */
  applyDelta(side: Side, action: BookAction, priceTicks: number, sizeLots: number, venueSequence: number, firstVenueSequence = venueSequence): BookUpdate {
    if (action === BookAction.Clear) {
      this.beginSnapshot(venueSequence)
      return BookUpdate.Applied
    }
    return this.setLevel(side, priceTicks, action === BookAction.Delete ? 0 : sizeLots, venueSequence, firstVenueSequence)
  }

  /** The level now holds `sizeLots`; 0 deletes it. */
  setLevel(side: Side, priceTicks: number, sizeLots: number, venueSequence: number, firstVenueSequence = venueSequence): BookUpdate {
    const admitted = this.#admit(venueSequence, firstVenueSequence)
    if (admitted !== BookUpdate.Applied) return admitted
    const left = (side === Side.Buy ? this.bids : this.asks).set(priceTicks, sizeLots)
    if (left < 0) {
      this.unknownLevels++
      return BookUpdate.UnknownLevel
    }
    this.levelSizeLots = left
    this.#updateCross()
    return BookUpdate.Applied
  }

  deleteLevel(side: Side, priceTicks: number, venueSequence: number): BookUpdate {
    return this.setLevel(side, priceTicks, 0, venueSequence)
  }

  /** An order joined the level (or a level appeared): its size grows by `sizeLots`. */
  addSize(side: Side, priceTicks: number, sizeLots: number, venueSequence: number): BookUpdate {
    const admitted = this.#admit(venueSequence, venueSequence)
    if (admitted !== BookUpdate.Applied) return admitted
    this.levelSizeLots = (side === Side.Buy ? this.bids : this.asks).add(priceTicks, sizeLots)
    this.#updateCross()
    return BookUpdate.Applied
  }

  /** Size left the level (cancel or execution); the level goes when nothing is left. */
  removeSize(side: Side, priceTicks: number, sizeLots: number, venueSequence: number): BookUpdate {
    const admitted = this.#admit(venueSequence, venueSequence)
    if (admitted !== BookUpdate.Applied) return admitted
    const left = (side === Side.Buy ? this.bids : this.asks).remove(priceTicks, sizeLots)
    if (left < 0) {
      this.unknownLevels++
      return BookUpdate.UnknownLevel
    }
    this.levelSizeLots = left
    this.#updateCross()
    return BookUpdate.Applied
  }

  /** A venue message that changes no level (a hidden execution, a halt) still moves the sequence on. */
  advanceSequence(venueSequence: number): BookUpdate {
    return this.#admit(venueSequence, venueSequence)
  }

  bestBidTicks(): number {
    return this.#state === BookSyncState.InSync ? this.bids.priceAt(0) : NaN
  }

  bestAskTicks(): number {
    return this.#state === BookSyncState.InSync ? this.asks.priceAt(0) : NaN
  }

  /** Levels on a side (0 when not in sync). */
  levelCount(side: Side): number {
    return this.#state !== BookSyncState.InSync ? 0 : side === Side.Buy ? this.bids.count : this.asks.count
  }

  /** Size at a price on a side (0 when no level is there or the book is not in sync). */
  sizeAtPrice(side: Side, priceTicks: number): number {
    return this.#state !== BookSyncState.InSync ? 0 : (side === Side.Buy ? this.bids : this.asks).sizeAtPrice(priceTicks)
  }

  /**
   * Writes the best `maxLevels` levels of a side, best first, into the
   * caller's arrays and returns how many it wrote (0 when not in sync).
   */
  topLevels(side: Side, pricesTicks: Float64Array, sizesLots: Float64Array, maxLevels = pricesTicks.length): number {
    if (this.#state !== BookSyncState.InSync) return 0
    const s = side === Side.Buy ? this.bids : this.asks
    const n = Math.min(maxLevels, s.count, pricesTicks.length, sizesLots.length)
    const keys = s.keys
    const sizes = s.sizes
    for (let k = 0, i = s.count - 1; k < n; k++, i--) {
      pricesTicks[k] = s.sign * keys[i]!
      sizesLots[k] = sizes[i]!
    }
    return n
  }

  /** Size-weighted mid of the touch, in ticks; NaN when a side is empty or the book is not in sync. */
  microprice(): number {
    if (this.#state !== BookSyncState.InSync || this.bids.count === 0 || this.asks.count === 0) return NaN
    return microprice(this.bids.priceAt(0), this.bids.sizeAt(0), this.asks.priceAt(0), this.asks.sizeAt(0))
  }

  /** (bid depth − ask depth) / (bid depth + ask depth) over the best `levels` of each side, in [−1, 1]; NaN when not in sync. */
  depthImbalance(levels: number): number {
    if (this.#state !== BookSyncState.InSync) return NaN
    return depthImbalance(this.bids.depthLots(levels), this.asks.depthLots(levels))
  }

  #admit(venueSequence: number, firstVenueSequence: number): BookUpdate {
    if (this.#state !== BookSyncState.InSync) {
      this.refusedDeltas++
      return BookUpdate.Refused
    }
    if (venueSequence === 0) return BookUpdate.Applied
    const last = this.#lastSequence
    if (venueSequence === last && this.#withinUpdate) return BookUpdate.Applied
    if (venueSequence <= last) {
      this.staleDeltas++
      return BookUpdate.Stale
    }
    if (firstVenueSequence <= last + 1) {
      this.#lastSequence = venueSequence
      this.#withinUpdate = true
      return BookUpdate.Applied
    }
    this.gaps++
    this.#state = nextSyncState(this.#state, BookSyncEvent.Gap)
    return BookUpdate.Gap
  }

  #updateCross(): void {
    const bids = this.bids
    const asks = this.asks
    let cross: CrossState = CrossState.None
    if (bids.count > 0 && asks.count > 0) {
      // Keys: bid key = price, ask key = −price.
      const spread = -asks.keys[asks.count - 1]! - bids.keys[bids.count - 1]!
      cross = spread > 0 ? CrossState.None : spread === 0 ? CrossState.Locked : CrossState.Crossed
    }
    if (cross !== this.#cross) {
      if (cross === CrossState.Locked) this.lockedCount++
      else if (cross === CrossState.Crossed) this.crossedCount++
      this.#cross = cross
    }
  }
}
