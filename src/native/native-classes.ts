import { WavesError } from '../errors/index.js'
import type {
  RawAddon,
  Router,
  RouterOptions,
  ShortfallPercentiles,
  SlippageTracker,
  SlippageTrackerOptions,
} from './types.js'

/**
 * The addon reports a bad argument as an Error with `code: 'InvalidArg'` and
 * the same text the fallback uses; callers get the same `WavesError` from both.
 */
export function rethrowFromAddon(err: unknown, fn: string): never {
  if (err instanceof Error && (err as { code?: unknown }).code === 'InvalidArg') {
    throw new WavesError('ERR_NATIVE_ARGUMENT', err.message, { function: fn }, { cause: err })
  }
  throw err
}

function construct<T>(make: () => T, fn: string): T {
  try {
    return make()
  } catch (err) {
    return rethrowFromAddon(err, fn)
  }
}

/**
 * The addon's router behind the executor's interface: one addon call per
 * decision, to a plain function (the addon keeps the scratch space per thread).
 */
class NativeRouter implements Router {
  readonly adverseTicksPerMs: number
  readonly #addon: RawAddon

  constructor(addon: RawAddon, options: RouterOptions) {
    const adverse = options.adverseTicksPerMs
    // A decision over no venues checks the option with the addon's own message.
    construct(() => addon.routeParentOrder(adverse, 1, 1, undefined, NO_LEVELS, NO_ENDS, NO_LEVELS, new Float64Array(3)), 'Router')
    this.adverseTicksPerMs = adverse
    this.#addon = addon
  }

  route(
    side: number,
    sizeLots: number,
    limitPriceTicks: number | undefined,
    levels: Float64Array,
    venueLevelEnds: Uint32Array,
    venueCosts: Float64Array,
    out: Float64Array,
  ): number {
    try {
      return this.#addon.routeParentOrder(this.adverseTicksPerMs, side, sizeLots, limitPriceTicks, levels, venueLevelEnds, venueCosts, out)
    } catch (err) {
      return rethrowFromAddon(err, 'Router.route')
    }
  }
}

const NO_LEVELS = new Float64Array(0)
const NO_ENDS = new Uint32Array(0)

class NativeSlippageTracker implements SlippageTracker {
  readonly #inner: SlippageTracker

  constructor(addon: RawAddon, options: SlippageTrackerOptions) {
    this.#inner = construct(() => new addon.SlippageTracker(options), 'SlippageTracker')
  }

  get windowOrders(): number {
    return this.#inner.windowOrders
  }

  get openOrders(): number {
    return this.#inner.openOrders
  }

  recordArrival(orderId: number, instrumentId: number, side: number, arrivalPriceTicks: number): void {
    try {
      this.#inner.recordArrival(orderId, instrumentId, side, arrivalPriceTicks)
    } catch (err) {
      rethrowFromAddon(err, 'SlippageTracker.recordArrival')
    }
  }

  recordFill(orderId: number, venueId: number, priceTicks: number, sizeLots: number): void {
    try {
      this.#inner.recordFill(orderId, venueId, priceTicks, sizeLots)
    } catch (err) {
      rethrowFromAddon(err, 'SlippageTracker.recordFill')
    }
  }

  completeOrder(orderId: number): number | null {
    try {
      return this.#inner.completeOrder(orderId)
    } catch (err) {
      return rethrowFromAddon(err, 'SlippageTracker.completeOrder')
    }
  }

  instrumentPercentiles(instrumentId: number): ShortfallPercentiles | null {
    try {
      return this.#inner.instrumentPercentiles(instrumentId)
    } catch (err) {
      return rethrowFromAddon(err, 'SlippageTracker.instrumentPercentiles')
    }
  }

  venuePercentiles(venueId: number, instrumentId: number): ShortfallPercentiles | null {
    try {
      return this.#inner.venuePercentiles(venueId, instrumentId)
    } catch (err) {
      return rethrowFromAddon(err, 'SlippageTracker.venuePercentiles')
    }
  }
}

export const createNativeRouter = (addon: RawAddon, options: RouterOptions): Router => new NativeRouter(addon, options)

export const createNativeSlippageTracker = (addon: RawAddon, options: SlippageTrackerOptions): SlippageTracker =>
  new NativeSlippageTracker(addon, options)
