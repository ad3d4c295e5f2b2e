/**
 * Order-flow imbalance of one top-of-book change (Cont, Kukanov and Stoikov,
 * "The Price Impact of Order Book Events", 2014): the net size added to the
 * bid side minus that added to the ask side. Positive means buying pressure.
 */
export function orderFlowImbalance(
  prevBid: number,
  prevBidSize: number,
  prevAsk: number,
  prevAskSize: number,
  bid: number,
  bidSize: number,
  ask: number,
  askSize: number,
): number {
  const bidFlow = (bid >= prevBid ? bidSize : 0) - (bid <= prevBid ? prevBidSize : 0)
  const askFlow = (ask <= prevAsk ? askSize : 0) - (ask >= prevAsk ? prevAskSize : 0)
  return bidFlow - askFlow
}

/** (bid size − ask size) / (bid size + ask size), in [−1, 1]; 0 when both are empty. */
export function depthImbalance(bidSize: number, askSize: number): number {
  const total = bidSize + askSize
  return total > 0 ? (bidSize - askSize) / total : 0
}

/** Spread in basis points of the mid. */
export function spreadBps(bid: number, ask: number): number {
  const mid = (bid + ask) / 2
  return mid > 0 ? ((ask - bid) / mid) * 10_000 : NaN
}
