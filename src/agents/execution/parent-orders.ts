/**
 * Which child orders a routed parent became, so that each fill on the fill
 * ring is credited to its parent's slippage and the parent completes when
 * the last of its children has ended.
 */
export class ParentOrders {
  readonly #parentOf = new Map<number, number>()
  readonly #liveChildren = new Map<number, number>()
  #nextChildId: number

  /** Child ids are drawn from their own range so they never collide with the parents' (risk's) ids. */
  constructor(firstChildId: number) {
    this.#nextChildId = firstChildId
  }

  get nextChildId(): number {
    return this.#nextChildId
  }

  /** A new child of `parentId`; returns its client order id. */
  addChild(parentId: number): number {
    const child = this.#nextChildId++
    this.#parentOf.set(child, parentId)
    this.#liveChildren.set(parentId, (this.#liveChildren.get(parentId) ?? 0) + 1)
    return child
  }

  parentOf(childId: number): number | undefined {
    return this.#parentOf.get(childId)
  }

  /** A child reached a final state; returns its parent when that was the parent's last live child. */
  endChild(childId: number): number | undefined {
    const parent = this.#parentOf.get(childId)
    if (parent === undefined) return undefined
    this.#parentOf.delete(childId)
    const live = (this.#liveChildren.get(parent) ?? 1) - 1
    if (live > 0) {
      this.#liveChildren.set(parent, live)
      return undefined
    }
    this.#liveChildren.delete(parent)
    return parent
  }

  /** Parents with a child still live. */
  get openParents(): number {
    return this.#liveChildren.size
  }
}
