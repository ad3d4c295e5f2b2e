import type { RouteTicket } from './route-ticket.js'
import type { RawAddon } from './types.js'

/**
 * The route tickets one loaded addon (one per thread) has bound. The addon
 * routes a bound ticket by its slot: it keeps the ticket's address, which
 * handing it the typed array on every decision made it fetch the array's
 * objects from the JS heap to find, ~90 ns a decision over many tickets.
 * A ticket is bound at its first decision and released when it is
 * collected, so routing a ticket stays one call and needs no cleanup.
 */
export class TicketBindings {
  readonly #addon: RawAddon
  readonly #releases: FinalizationRegistry<number>

  private constructor(addon: RawAddon) {
    this.#addon = addon
    this.#releases = new FinalizationRegistry((slot) => addon.releaseRouteTicket(slot))
  }

  static #byAddon = new WeakMap<RawAddon, TicketBindings>()

  /** The bindings of `addon`, shared by every router on this thread. */
  static of(addon: RawAddon): TicketBindings {
    let bindings = TicketBindings.#byAddon.get(addon)
    if (bindings === undefined) {
      bindings = new TicketBindings(addon)
      TicketBindings.#byAddon.set(addon, bindings)
    }
    return bindings
  }

  /** The ticket's slot, binding it first if it is not yet bound here. */
  slotOf(ticket: RouteTicket): number {
    if (ticket.boundTo === this) return ticket.boundSlot
    const slot = this.#addon.bindRouteTicket(ticket.array)
    // A ticket bound to another loaded addon keeps that slot until it is collected.
    ticket.boundTo = this
    ticket.boundSlot = slot
    this.#releases.register(ticket, slot, ticket)
    return slot
  }

  /** Lets a ticket go now rather than when it is collected. */
  release(ticket: RouteTicket): void {
    if (ticket.boundTo !== this) return
    this.#releases.unregister(ticket)
    this.#addon.releaseRouteTicket(ticket.boundSlot)
    ticket.boundTo = undefined
    ticket.boundSlot = -1
  }
}
