/**
 * One side of an L2 book: price levels in two parallel typed arrays, sorted
 * by key with the best level at the end. The key is the price for bids and
 * minus the price for asks, so both sides ascend towards the best and share
 * one code path.
 *
 * Why the best sits at the end: nearly every change lands within a few
 * levels of the touch, and inserting or deleting there moves only the few
 * levels above it. Lookups walk down from the best a few levels, then
 * bisect the rest. Nothing here allocates except growing past capacity.
 */
export class BookSide {
  /** +1 for bids (key = price), −1 for asks (key = −price). */
  readonly sign: 1 | -1
  /** The most levels the side keeps (the venue's depth); the worst is dropped beyond it. */
  readonly maxLevels: number
  keys: Float64Array
  sizes: Float64Array
  count = 0
  /** Price of the level the last insertion pushed out beyond `maxLevels`, or NaN. */
  evictedPriceTicks = NaN

  constructor(sign: 1 | -1, initialLevels: number, maxLevels: number) {
    this.sign = sign
    this.maxLevels = maxLevels
    const capacity = Math.max(2, Math.min(initialLevels, maxLevels))
    this.keys = new Float64Array(capacity)
    this.sizes = new Float64Array(capacity)
  }

  /** Index of the level with `key`, or `~insertionPoint` (negative) when there is none. */
  find(key: number): number {
    const keys = this.keys
    let i = this.count - 1
    const stop = i - 8
    for (; i > stop && i >= 0; i--) {
      const k = keys[i]!
      if (k === key) return i
      if (k < key) return ~(i + 1)
    }
    let lo = 0
    let hi = i
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      const k = keys[mid]!
      if (k < key) lo = mid + 1
      else if (k > key) hi = mid - 1
      else return mid
    }
    return ~lo
  }

  /** Adds size at a price; returns the level's new size (0 when the level is beyond a full side's depth). */
  add(priceTicks: number, sizeLots: number): number {
    this.evictedPriceTicks = NaN
    const i = this.find(this.sign * priceTicks)
    if (i >= 0) return (this.sizes[i]! += sizeLots)
    // Adding nothing where nothing rests makes no level.
    return sizeLots > 0 && this.#insert(~i, this.sign * priceTicks, sizeLots) ? sizeLots : 0
  }

  /** Removes size at a price; returns the level's new size (0: the level is gone), or −1 when no level is there. */
  remove(priceTicks: number, sizeLots: number): number {
    const i = this.find(this.sign * priceTicks)
    if (i < 0) return -1
    const left = this.sizes[i]! - sizeLots
    if (left > 0) return (this.sizes[i] = left)
    this.#removeAt(i)
    return 0
  }

  /** Sets a level's size; 0 deletes it. Returns −1 when deleting a level that is not there, else the new size. */
  set(priceTicks: number, sizeLots: number): number {
    this.evictedPriceTicks = NaN
    const i = this.find(this.sign * priceTicks)
    if (sizeLots <= 0) {
      if (i < 0) return -1
      this.#removeAt(i)
      return 0
    }
    if (i >= 0) return (this.sizes[i] = sizeLots)
    return this.#insert(~i, this.sign * priceTicks, sizeLots) ? sizeLots : 0
  }

  /** Price of the k-th level from the best (0 = best); NaN beyond the side. */
  priceAt(k: number): number {
    return k < this.count ? this.sign * this.keys[this.count - 1 - k]! : NaN
  }

  /** Size of the k-th level from the best; 0 beyond the side. */
  sizeAt(k: number): number {
    return k < this.count ? this.sizes[this.count - 1 - k]! : 0
  }

  /** Size resting at a price; 0 when no level is there. */
  sizeAtPrice(priceTicks: number): number {
    const i = this.find(this.sign * priceTicks)
    return i >= 0 ? this.sizes[i]! : 0
  }

  /** Total size of the best `levels` levels. */
  depthLots(levels: number): number {
    let total = 0
    const last = Math.max(0, this.count - levels)
    for (let i = this.count - 1; i >= last; i--) total += this.sizes[i]!
    return total
  }

  /** Replaces the side with `n` levels given best first (a snapshot; already checked to be ordered). */
  load(levels: ArrayLike<{ readonly priceTicks: number; readonly sizeLots: number }>, n: number): void {
    while (this.keys.length < n) this.#grow()
    for (let k = 0; k < n; k++) {
      this.keys[n - 1 - k] = this.sign * levels[k]!.priceTicks
      this.sizes[n - 1 - k] = levels[k]!.sizeLots
    }
    this.count = n
  }

  #insert(at: number, key: number, sizeLots: number): boolean {
    const keys = this.keys
    const sizes = this.sizes
    if (this.count === this.maxLevels) {
      // Full to the venue's depth: the new level enters only if better than the worst, which leaves.
      if (at === 0) return false
      this.evictedPriceTicks = this.sign * keys[0]!
      for (let j = 1; j < at; j++) {
        keys[j - 1] = keys[j]!
        sizes[j - 1] = sizes[j]!
      }
      keys[at - 1] = key
      sizes[at - 1] = sizeLots
      return true
    }
    if (this.count === keys.length) this.#grow()
    const k = this.keys
    const s = this.sizes
    // A plain loop: the move is a few levels near the touch, shorter than a builtin call costs.
    for (let j = this.count; j > at; j--) {
      k[j] = k[j - 1]!
      s[j] = s[j - 1]!
    }
    k[at] = key
    s[at] = sizeLots
    this.count++
    return true
  }

  #removeAt(i: number): void {
    const k = this.keys
    const s = this.sizes
    const last = --this.count
    for (let j = i; j < last; j++) {
      k[j] = k[j + 1]!
      s[j] = s[j + 1]!
    }
  }

  #grow(): void {
    const capacity = Math.min(this.keys.length * 2, this.maxLevels)
    const keys = new Float64Array(capacity)
    const sizes = new Float64Array(capacity)
    keys.set(this.keys)
    sizes.set(this.sizes)
    this.keys = keys
    this.sizes = sizes
  }
}
