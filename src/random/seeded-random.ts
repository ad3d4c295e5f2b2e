/**
 * Seeded randomness for simulations. Results must be reproducible from a
 * seed, on any thread, so nothing here touches Math.random. 32-bit integer
 * operations (Math.imul, >>>) keep xoshiro128** exact in doubles, with no
 * bigint allocation per draw.
 */

const TWO_POW_32 = 2 ** 32
const TWO_POW_53 = 2 ** 53

/** splitmix32: spreads a seed and its neighbours into well-mixed words. */
export function splitmix32(x: number): number {
  let t = (x + 0x9e3779b9) | 0
  t = Math.imul(t ^ (t >>> 16), 0x21f0aaad)
  t = Math.imul(t ^ (t >>> 15), 0x735a2d97)
  return (t ^ (t >>> 15)) >>> 0
}

/** xoshiro128** (Blackman and Vigna): 128 bits of state, period 2^128 - 1. */
export class Xoshiro128 {
  #s0: number
  #s1: number
  #s2: number
  #s3: number

  /** The four state words as the reference implementation takes them; not all zero. */
  constructor(s0: number, s1: number, s2: number, s3: number) {
    if ((s0 | s1 | s2 | s3) === 0) throw new RangeError('xoshiro128** state must not be all zero')
    this.#s0 = s0 >>> 0
    this.#s1 = s1 >>> 0
    this.#s2 = s2 >>> 0
    this.#s3 = s3 >>> 0
  }

  /** A generator from a 32-bit seed; nearby seeds give unrelated streams. */
  static fromSeed(seed: number): Xoshiro128 {
    const s0 = splitmix32(seed)
    const s1 = splitmix32(seed + 1)
    const s2 = splitmix32(seed + 2)
    const s3 = splitmix32(seed + 3)
    // splitmix32 is a bijection of its input, so four distinct inputs cannot all map to 0.
    return new Xoshiro128(s0, s1, s2, s3)
  }

  nextUint32(): number {
    const s1 = this.#s1
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0
    const t = s1 << 9
    this.#s2 ^= this.#s0
    this.#s3 ^= s1
    this.#s1 ^= this.#s2
    this.#s0 ^= this.#s3
    this.#s2 ^= t
    this.#s3 = rotl(this.#s3, 11)
    return result
  }

  /** Uniform in [0, 1) with 53 random bits, so tails of derived normals are not truncated at 2^-32. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5 // 27 bits
    const lo = this.nextUint32() >>> 6 // 26 bits
    return (hi * 2 ** 26 + lo) / TWO_POW_53
  }

  /** Uniform integer in [0, n) for n ≤ 2^32; the bias of scaling 53 bits is below 2^-21. */
  nextBelow(n: number): number {
    return Math.floor(this.nextFloat() * n)
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}

/** Standard normal draws by Box-Muller, both outputs used. */
export class NormalSampler {
  readonly #rng: Xoshiro128
  #spare = 0
  #hasSpare = false

  constructor(rng: Xoshiro128) {
    this.#rng = rng
  }

  next(): number {
    if (this.#hasSpare) {
      this.#hasSpare = false
      return this.#spare
    }
    // 1 - u is in (0, 1], keeping log away from 0.
    const radius = Math.sqrt(-2 * Math.log(1 - this.#rng.nextFloat()))
    const angle = 2 * Math.PI * this.#rng.nextFloat()
    this.#spare = radius * Math.sin(angle)
    this.#hasSpare = true
    return radius * Math.cos(angle)
  }
}

export const MAX_SEED = TWO_POW_32 - 1
