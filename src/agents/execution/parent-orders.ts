import { OrderType, TimeInForce, type Order, type Side } from '../../schemas/index.js'

/** What a routed parent asked for: enough to route what is left of it again. */
export interface ParentTerms {
  instrumentId: number
  side: Side
  /** Its limit; undefined for a market order. */
  limitTicks: number | undefined
  /** Its children's time in force: immediate-or-cancel, or the parent's own when its children may rest. */
  childTimeInForce: TimeInForce
  intentId: number
  riskCycle: number
  strategyId: number
}

/** A child rests only when its parent may: immediate-or-cancel and fill-or-kill parents' children take what they can at once. */
function childTimeInForce(parent: TimeInForce): TimeInForce {
  return parent === TimeInForce.GoodTillCancel || parent === TimeInForce.Day ? parent : TimeInForce.ImmediateOrCancel
}

/** The terms of a parent as risk approved it on the orders ring. */
export function parentTermsOf(order: Order): ParentTerms {
  return {
    instrumentId: order.instrumentId(),
    side: order.side(),
    limitTicks: order.orderType() === OrderType.Market ? undefined : order.priceTicks(),
    childTimeInForce: childTimeInForce(order.timeInForce()),
    intentId: order.intentId(),
    riskCycle: order.riskCycle(),
    strategyId: order.strategyId(),
  }
}

/** What a snapshot keeps of the parents: every map, as entry lists. */
export interface ParentOrdersState {
  nextChildId: number
  parentOf: Array<[number, number]>
  liveChildren: Array<[number, number]>
  terms: Array<[number, ParentTerms]>
  reroutes: number[]
  posts: number[]
  repricing: number[]
  reprices: Array<[number, number]>
}

/**
 * Which child orders a routed parent became, so that each fill on the fill
 * ring is credited to its parent's slippage and the parent completes when
 * the last of its children has ended; and what the parent asked for, so
 * that a child a venue never took can be routed again, once.
 */
export class ParentOrders {
  readonly #parentOf = new Map<number, number>()
  readonly #liveChildren = new Map<number, number>()
  readonly #terms = new Map<number, ParentTerms>()
  /** Children that are themselves a re-route: their lots are not routed a third time. */
  readonly #reroutes = new Set<number>()
  /** Children posted (post-only) by the maker/taker choice: what they leave unfilled is taken. */
  readonly #posts = new Set<number>()
  /** Posted children cancelled to go again at a new touch, and how often each parent's posts have. */
  readonly #repricing = new Set<number>()
  readonly #reprices = new Map<number, number>()
  #nextChildId: number

  /** Child ids are drawn from their own range so they never collide with the parents' (risk's) ids. */
  constructor(firstChildId: number) {
    this.#nextChildId = firstChildId
  }

  state(): ParentOrdersState {
    return {
      nextChildId: this.#nextChildId,
      parentOf: [...this.#parentOf],
      liveChildren: [...this.#liveChildren],
      terms: [...this.#terms].map(([id, terms]) => [id, { ...terms }]),
      reroutes: [...this.#reroutes],
      posts: [...this.#posts],
      repricing: [...this.#repricing],
      reprices: [...this.#reprices],
    }
  }

  static fromState(state: ParentOrdersState): ParentOrders {
    const parents = new ParentOrders(state.nextChildId)
    for (const [child, parent] of state.parentOf) parents.#parentOf.set(child, parent)
    for (const [parent, live] of state.liveChildren) parents.#liveChildren.set(parent, live)
    for (const [parent, terms] of state.terms) parents.#terms.set(parent, { ...terms })
    for (const child of state.reroutes) parents.#reroutes.add(child)
    for (const child of state.posts) parents.#posts.add(child)
    for (const child of state.repricing) parents.#repricing.add(child)
    for (const [parent, n] of state.reprices) parents.#reprices.set(parent, n)
    return parents
  }

  get nextChildId(): number {
    return this.#nextChildId
  }

  /** A parent about to be routed (its terms are kept as given, not copied) until its last child ends. */
  addParent(parentId: number, terms: ParentTerms): void {
    this.#terms.set(parentId, terms)
  }

  termsOf(parentId: number): Readonly<ParentTerms> | undefined {
    return this.#terms.get(parentId)
  }

  /** A new child of `parentId`: routed, a re-route of another's lots, or posted; returns its client order id. */
  addChild(parentId: number, kind: 'routed' | 'reroute' | 'post' = 'routed'): number {
    const child = this.#nextChildId++
    this.#parentOf.set(child, parentId)
    this.#liveChildren.set(parentId, (this.#liveChildren.get(parentId) ?? 0) + 1)
    if (kind === 'reroute') this.#reroutes.add(child)
    else if (kind === 'post') this.#posts.add(child)
    return child
  }

  /** A child sent before a restart, known again under its own id: the id counter goes on past it. */
  restoreChild(childId: number, parentId: number, kind: 'routed' | 'post'): void {
    this.#parentOf.set(childId, parentId)
    this.#liveChildren.set(parentId, (this.#liveChildren.get(parentId) ?? 0) + 1)
    if (kind === 'post') this.#posts.add(childId)
    this.passChildId(childId)
  }

  /** A child id handed out before a restart: the counter goes on past it. */
  passChildId(childId: number): void {
    this.#nextChildId = Math.max(this.#nextChildId, childId + 1)
  }

  /** The parent an intent became, if it is open here. */
  parentOfIntent(intentId: number): number | undefined {
    for (const [parentId, terms] of this.#terms) if (terms.intentId === intentId) return parentId
    return undefined
  }

  isPost(childId: number): boolean {
    return this.#posts.has(childId)
  }

  /** The posted children still live. */
  posts(): IterableIterator<number> {
    return this.#posts.values()
  }

  /** A posted child is being cancelled to go again at the new touch; counts a reprice of its parent. */
  repricing(childId: number): void {
    this.#repricing.add(childId)
    const parent = this.#parentOf.get(childId)!
    this.#reprices.set(parent, (this.#reprices.get(parent) ?? 0) + 1)
  }

  isRepricing(childId: number): boolean {
    return this.#repricing.has(childId)
  }

  /** How often the parent's posts have gone again at a new touch. */
  repricesOf(parentId: number): number {
    return this.#reprices.get(parentId) ?? 0
  }

  parentOf(childId: number): number | undefined {
    return this.#parentOf.get(childId)
  }

  isReroute(childId: number): boolean {
    return this.#reroutes.has(childId)
  }

  /** A child reached a final state; returns its parent when that was the parent's last live child. */
  endChild(childId: number): number | undefined {
    const parent = this.#parentOf.get(childId)
    if (parent === undefined) return undefined
    this.#parentOf.delete(childId)
    this.#reroutes.delete(childId)
    this.#posts.delete(childId)
    this.#repricing.delete(childId)
    const live = (this.#liveChildren.get(parent) ?? 1) - 1
    if (live > 0) {
      this.#liveChildren.set(parent, live)
      return undefined
    }
    this.#liveChildren.delete(parent)
    this.#terms.delete(parent)
    this.#reprices.delete(parent)
    return parent
  }

  /** Parents with a child still live. */
  get openParents(): number {
    return this.#liveChildren.size
  }
}
