import { WavesError } from '../../errors/index.js'

/** One level of a snapshot, best first (as `FeedBookLevel` and the BookLevel struct carry it). */
export interface BookLevelInput {
  readonly priceTicks: number
  readonly sizeLots: number
}

export const NO_LEVELS: readonly BookLevelInput[] = Object.freeze([])

/** Refuses a snapshot side that is not strictly best first or has a level without size: ERR_BOOK_SNAPSHOT naming the level. */
export function checkSnapshotSide(levels: ArrayLike<BookLevelInput>, sign: 1 | -1, name: 'bid' | 'ask'): void {
  for (let k = 0; k < levels.length; k++) {
    const { priceTicks, sizeLots } = levels[k]!
    if (!(Number.isFinite(priceTicks) && sizeLots > 0 && Number.isFinite(sizeLots))) {
      throw new WavesError('ERR_BOOK_SNAPSHOT', `snapshot ${name} level ${k} needs a finite price and a positive size, got ${priceTicks} × ${sizeLots}`, { side: name, level: k, priceTicks, sizeLots })
    }
    if (k > 0 && !(sign * levels[k - 1]!.priceTicks > sign * priceTicks)) {
      throw new WavesError('ERR_BOOK_SNAPSHOT', `snapshot ${name} levels must be strictly best first: level ${k} at ${priceTicks} follows ${levels[k - 1]!.priceTicks}`, { side: name, level: k, priceTicks })
    }
  }
}
