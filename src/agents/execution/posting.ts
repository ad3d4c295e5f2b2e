import type { WavesConfig } from '../../config/index.js'
import type { VenueBooks } from '../../market/book/index.js'
import { Ewma, type EwmaState } from '../../market/ewma.js'
import type { RoutableVenues, RouterInput } from '../../native/router-input.js'
import { CancelReason, OrderStatus, Side } from '../../schemas/index.js'
import { AdverseSelection, type AdverseSelectionState } from './adverse-selection.js'
import type { ChildDispatch, RerouteVerdict } from './child-dispatch.js'
import type { ChildOrders } from './child-orders.js'
import { postingPlanOf, type PostingPlan } from './liquidity-choice.js'
import type { ParentOrders, ParentTerms } from './parent-orders.js'

type PostingConfig = Pick<WavesConfig['execution'], 'postFillProbability' | 'missCostBps' | 'adverseSelectionBps' | 'adverseHorizonMs' | 'maxReprices'>

/** What a snapshot keeps of posting: its measures per venue, and the lots of ended posts waiting for a step. */
export interface PostingState {
  fillRatio: EwmaState[]
  adverse: AdverseSelectionState[]
  waiting: number[]
}

export interface PostingParts {
  /** Venues, ids from 1: what posting measures, it measures per venue. */
  venueCount: number
  instrumentCount: number
  books: VenueBooks
  input: RouterInput
  venues: RoutableVenues
  dispatch: ChildDispatch
  parents: ParentOrders
  children: ChildOrders
  config: PostingConfig
  /** Adds to one of the agent's counters. */
  bump: (name: string, by?: number) => void
}

/**
 * Execution's posted orders, when it makes the maker/taker choice: whether
 * a parent that may rest is posted post-only at the touch or left to take,
 * following the touch when it moves away, and what a post leaves taken (or
 * posted again). It measures what the choice weighs, per venue (venues
 * differ in who trades there): the filled share of posts and the adverse
 * selection of their fills.
 */
export class Posting {
  /**
   * Per venue and instrument (`measureAt`), the filled share of what posted
   * children offered: the fill probability the choice weighs.
   */
  readonly fillRatio: Ewma[]
  /** Per venue and instrument (`measureAt`), the adverse selection of posts' fills. */
  readonly adverse: AdverseSelection[]
  readonly #p: PostingParts
  /** Posted children that ended with lots left between steps: worked at the next execute step. Child id, then lots, flat. */
  readonly #waiting: number[] = []

  constructor(parts: PostingParts) {
    this.#p = parts
    const { postFillProbability, adverseSelectionBps, adverseHorizonMs } = parts.config
    const measures = parts.venueCount * parts.instrumentCount
    this.fillRatio = Array.from({ length: measures }, () => {
      const ratio = new Ewma(0.1)
      ratio.update(postFillProbability)
      return ratio
    })
    this.adverse = Array.from({ length: measures }, () => new AdverseSelection(adverseSelectionBps, adverseHorizonMs * 1e6))
  }

  /** Where a venue's (id from 1) measures of an instrument are kept: instruments differ in who posts and trades them, as venues do. */
  measureAt(venueId: number, instrumentId: number): number {
    return (venueId - 1) * this.#p.instrumentCount + instrumentId
  }

  state(): PostingState {
    return { fillRatio: this.fillRatio.map((r) => r.state()), adverse: this.adverse.map((a) => a.state()), waiting: [...this.#waiting] }
  }

  /** Goes on from a snapshot: venues it does not cover keep their priors. */
  restore(state: PostingState): void {
    state.fillRatio.forEach((r, v) => this.fillRatio[v]?.restore(r))
    state.adverse.forEach((a, v) => this.adverse[v]?.restore(a))
    this.#waiting.push(...state.waiting)
  }

  /** Where to post lots of a parent that may rest, or undefined to take them (counted either way). */
  choose(terms: Readonly<ParentTerms>): PostingPlan | undefined {
    const { books, input, venues, config, bump } = this.#p
    const makerVenue = input.makerVenue(venues)
    const measured = makerVenue >= 0 ? makerVenue : 0
    const { plan, choice } = postingPlanOf({
      side: terms.side,
      limitTicks: terms.limitTicks!,
      bidTicks: books.consolidatedBidTicks(terms.instrumentId),
      askTicks: books.consolidatedAskTicks(terms.instrumentId),
      makerVenue,
      makerBps: makerVenue >= 0 ? input.feesOf(makerVenue)[0] : 0,
      takerBps: input.lowestTakerBps(venues),
      fillProbability: this.fillRatio[this.measureAt(measured + 1, terms.instrumentId)]!.mean,
      missCostBps: config.missCostBps,
      // A favourable run after maker fills is luck to the choice, not a reason to post more.
      adverseSelectionBps: Math.max(0, this.adverse[this.measureAt(measured + 1, terms.instrumentId)]!.bps),
    })
    if (plan === undefined) bump(choice === undefined ? 'choice_no_book' : 'chose_take')
    return plan
  }

  /**
   * Posted children the touch has moved away from (a higher bid for a buy,
   * within the parent's limit) are cancelled, to go again at the new touch
   * once the venue confirms: at most `maxReprices` times a parent. Returns
   * the cancels sent.
   */
  reprice(): number {
    const { books, dispatch, parents, children, config, bump } = this.#p
    let sent = 0
    for (const id of parents.posts()) {
      const status = children.status(id)
      if ((status !== OrderStatus.Acknowledged && status !== OrderStatus.PartiallyFilled) || parents.isRepricing(id)) continue
      const parentId = parents.parentOf(id)!
      if (parents.repricesOf(parentId) >= config.maxReprices) continue
      const terms = parents.termsOf(parentId)!
      const buy = terms.side === Side.Buy
      const touch = buy ? books.consolidatedBidTicks(terms.instrumentId) : books.consolidatedAskTicks(terms.instrumentId)
      if (!(touch > 0)) continue
      const target = buy ? Math.min(terms.limitTicks!, touch) : Math.max(terms.limitTicks!, touch)
      const price = children.get(id)!.priceTicks
      if (!(buy ? target > price : target < price) || !dispatch.cancel(id, CancelReason.Reprice)) continue
      parents.repricing(id)
      bump('reprice_cancels')
      sent++
    }
    return sent
  }

  /** A maker fill of a child on `venueId`: measured against the mid a horizon later when it is a post. */
  filled(childId: number, venueId: number, instrumentId: number, side: Side, nowNs: number): void {
    const adverse = this.adverse[this.measureAt(venueId, instrumentId)]
    if (adverse !== undefined && this.#p.parents.isPost(childId)) adverse.filled(instrumentId, side, this.#p.books.consolidatedMid(instrumentId), nowNs)
  }

  /** Measures the maker fills whose horizon has passed; returns how many. */
  settle(nowNs: number): number {
    const midOf = (i: number): number => this.#p.books.consolidatedMid(i)
    return this.adverse.reduce((settled, venue) => settled + venue.settle(nowNs, midOf), 0)
  }

  /** Maker fills measured for adverse selection, all venues. */
  get adverseMeasured(): number {
    return this.adverse.reduce((n, venue) => n + venue.measured, 0)
  }

  /**
   * A posted child on `venueId` ended: its filled share is measured and what it left is
   * worked, with `verdict` (the step's), or at the next step without one.
   * Returns true when that waits for the next step (the parent stays open).
   */
  ended(id: number, venueId: number, filled: number, left: number, verdict: RerouteVerdict | undefined): boolean {
    // One cancelled to go again at a new touch was not given its time: its fill ratio says nothing.
    const parentId = this.#p.parents.parentOf(id)
    const terms = parentId === undefined ? undefined : this.#p.parents.termsOf(parentId)
    const ratio = terms === undefined ? undefined : this.fillRatio[this.measureAt(venueId, terms.instrumentId)]
    if (ratio !== undefined && !this.#p.parents.isRepricing(id) && filled + left > 0) ratio.update(filled / (filled + left))
    if (left === 0) return false
    if (verdict === undefined) {
      this.#waiting.push(id, left)
      return true
    }
    this.#work(id, left, verdict)
    return false
  }

  /** Works what posted children left between steps, with this step's verdict; `ended` is told of each child after. */
  workWaiting(verdict: RerouteVerdict, ended: (id: number) => void): void {
    for (let k = 0; k < this.#waiting.length; k += 2) {
      const id = this.#waiting[k]!
      this.#work(id, this.#waiting[k + 1]!, verdict)
      ended(id)
    }
    this.#waiting.length = 0
  }

  /** What a post left: posted again at the touch when it was cancelled for that and the choice still says post, else taken. */
  #work(id: number, lots: number, verdict: RerouteVerdict): void {
    const { dispatch, parents, bump } = this.#p
    if (parents.isRepricing(id) && verdict.riskVerdict && !verdict.safeMode) {
      const parentId = parents.parentOf(id)!
      const terms = parents.termsOf(parentId)!
      const plan = this.choose(terms)
      if (plan !== undefined && dispatch.post(parentId, terms, plan.venue, plan.priceTicks, lots)) return bump('reposted')
    }
    dispatch.takeRemainder(id, lots, verdict)
  }
}
