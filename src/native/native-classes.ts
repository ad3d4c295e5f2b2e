import { WavesError } from '../errors/index.js'
import { RouteTicket } from './route-ticket.js'
import { TicketBindings } from './ticket-bindings.js'
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
 * decision, to a plain function taking the ticket's slot (the addon keeps
 * the scratch space per thread, and each ticket's address once bound).
 */
class NativeRouter implements Router {
  readonly adverseTicksPerMs: number
  readonly #addon: RawAddon
  readonly #bindings: TicketBindings

  constructor(addon: RawAddon, options: RouterOptions) {
    const adverse = options.adverseTicksPerMs
    this.#addon = addon
    this.#bindings = TicketBindings.of(addon)
    // A market order over no venues checks the option with the addon's own message.
    const probe = new RouteTicket(0, 0)
    probe.setParent(1, 1)
    try {
      construct(() => addon.routeBoundTicket(this.#bindings.slotOf(probe), adverse), 'Router')
    } finally {
      this.#bindings.release(probe)
    }
    this.adverseTicksPerMs = adverse
  }

  route(ticket: RouteTicket): number {
    try {
      return this.#addon.routeBoundTicket(this.#bindings.slotOf(ticket), this.adverseTicksPerMs)
    } catch (err) {
      return rethrowFromAddon(err, 'Router.route')
    }
  }
}

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

  exportState(): Float64Array {
    return this.#inner.exportState()
  }

  importState(state: Float64Array): void {
    try {
      this.#inner.importState(state)
    } catch (err) {
      rethrowFromAddon(err, 'SlippageTracker.importState')
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
