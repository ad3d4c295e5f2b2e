import { describe, expect, it } from 'vitest'
import { NormalSampler, splitmix32, Xoshiro128 } from '../../src/random/seeded-random.js'
import { meanAndStdev } from '../../src/compute/math/sample-stats.js'

describe('Xoshiro128', () => {
  it('matches the reference C implementation', () => {
    const rng = new Xoshiro128(1, 2, 3, 4)
    const out = Array.from({ length: 8 }, () => rng.nextUint32())
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849])

    const far = new Xoshiro128(0x9e3779b9, 0x243f6a88, 0xb7e15162, 0xdeadbeef)
    for (let i = 0; i < 1000; i++) far.nextUint32()
    expect([far.nextUint32(), far.nextUint32()]).toEqual([2541037969, 1849389561])
  })

  it('rejects the all-zero state, which would only ever produce zeros', () => {
    expect(() => new Xoshiro128(0, 0, 0, 0)).toThrow(RangeError)
  })

  it('gives the same stream for a seed and unrelated streams for neighbouring seeds', () => {
    const draw = (seed: number) => {
      const rng = Xoshiro128.fromSeed(seed)
      return Array.from({ length: 4 }, () => rng.nextUint32())
    }
    expect(draw(7)).toEqual(draw(7))
    expect(draw(7)).not.toEqual(draw(8))
    expect(draw(0xffffffff)).toHaveLength(4)
    expect(splitmix32(0)).not.toBe(splitmix32(1))
  })

  it('draws floats in [0, 1) and integers below a bound', () => {
    const rng = Xoshiro128.fromSeed(1)
    let lowest = 1
    let highest = 0
    const seen = new Set<number>()
    for (let i = 0; i < 10_000; i++) {
      const u = rng.nextFloat()
      lowest = Math.min(lowest, u)
      highest = Math.max(highest, u)
      seen.add(rng.nextBelow(5))
    }
    expect(lowest).toBeGreaterThanOrEqual(0)
    expect(highest).toBeLessThan(1)
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4])
  })
})

describe('NormalSampler', () => {
  it('has mean 0 and standard deviation 1', () => {
    const normal = new NormalSampler(Xoshiro128.fromSeed(3))
    const draws = Float64Array.from({ length: 100_000 }, () => normal.next())
    const { mean, stdev } = meanAndStdev(draws)
    expect(Math.abs(mean)).toBeLessThan(0.01) // standard error 0.003
    expect(Math.abs(stdev - 1)).toBeLessThan(0.01)
  })
})
