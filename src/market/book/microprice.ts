/**
 * Microprice (size-weighted mid): the mid leaned towards the side with less
 * size, since the thinner side is the one more likely to be taken out
 * next. (bid × askSize + ask × bidSize) / (bidSize + askSize); NaN when both
 * sizes are zero or a price is missing.
 */
export function microprice(bidPriceTicks: number, bidSizeLots: number, askPriceTicks: number, askSizeLots: number): number {
  const total = bidSizeLots + askSizeLots
  return total > 0 ? (bidPriceTicks * askSizeLots + askPriceTicks * bidSizeLots) / total : NaN
}

/** Total of the first `levels` sizes of a best-first column. */
export function sumOfTopSizes(sizesLots: ArrayLike<number>, levels: number): number {
  let total = 0
  const n = Math.min(levels, sizesLots.length)
  for (let i = 0; i < n; i++) total += sizesLots[i]!
  return total
}
