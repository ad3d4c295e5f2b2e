import { describe, expect, it } from 'vitest'
import { WavesError } from '../../src/errors/index.js'
import { formatLobsterBookRow, parseLobsterBookRows, parseLobsterMessages } from '../../src/market/lobster/index.js'

const GOOD = '34200.004241176,1,16113575,18,5853300,1'

function refusal(parse: () => unknown): { code: string; message: string; context: Readonly<Record<string, unknown>> } {
  try {
    parse()
  } catch (err) {
    if (!(err instanceof WavesError)) throw err
    return { code: err.code, message: err.message, context: err.context }
  }
  throw new Error('parsed without complaint')
}

describe('LOBSTER message rows', () => {
  it('reads each column into its typed column', () => {
    const m = parseLobsterMessages(`${GOOD}\n34200.5,4,16113575,10,5853300,1\n34201,7,0,0,-1,0\n`, 'm.csv')
    expect(m.count).toBe(3)
    expect([...m.timeNs]).toEqual([34200_004241176, 34200_500000000, 34201_000000000])
    expect([...m.eventType]).toEqual([1, 4, 7])
    expect([...m.sizeLots]).toEqual([18, 10, 0])
    expect([...m.priceTicks]).toEqual([5853300, 5853300, -1])
    expect([...m.direction]).toEqual([1, 1, 0])
    expect([...m.lineNumbers]).toEqual([1, 2, 3])
  })

  it('reads Windows line ends and keeps them for writing back', () => {
    const m = parseLobsterMessages(`time,type,id,size,price,dir\r\n${GOOD}\r\n34200.5,3,16113575,18,5853300,1\r\n`, 'm.csv')
    expect([m.count, m.sizeLots[1], m.direction[1]]).toEqual([2, 18, 1])
    const rows = parseLobsterBookRows('5859400,200,5853300,18\r\n5859400,100,5853300,18', 'b.csv')
    expect([rows.newline, rows.endsWithNewline, rows.cells[5]]).toEqual(['\r\n', false, 100])
  })

  it('rounds times written with more than nine decimals to the nanosecond', () => {
    expect([...parseLobsterMessages('34200.0042411764,1,1,1,1,1\n34200.0042411765,1,1,1,1,1', 'm.csv').timeNs]).toEqual([34200_004241176, 34200_004241177])
  })

  it.each([
    ['34200.0x,1,16113575,18,5853300,1', 'm.csv line 2, column 1 (time): not a time in seconds after midnight, got "34200.0x"'],
    ['34200.1,9,16113575,18,5853300,1', 'm.csv line 2, column 2 (type): event type must be 1 to 7, got "9"'],
    ['34200.1,1,16113575,18.5,5853300,1', 'm.csv line 2, column 4 (size): not a whole number, got "18.5"'],
    ['34200.1,1,16113575,,5853300,1', 'm.csv line 2, column 4 (size): not a whole number, got ""'],
    ['34200.1,3,16113575,0,5853300,1', 'm.csv line 2, column 4 (size): size must be positive, got "0"'],
    ['34200.1,1,16113575,18,5853300,2', 'm.csv line 2, column 6 (direction): direction must be 1 or -1, got "2"'],
    ['34200.1,1,16113575,18,5853300', 'm.csv line 2: expected 6 columns, got 5'],
  ])('refuses %s naming file, line and column', (row, message) => {
    const err = refusal(() => parseLobsterMessages(`${GOOD}\n${row}\n`, 'm.csv'))
    expect(err.code).toBe('ERR_LOBSTER_FORMAT')
    expect(err.message).toBe(message)
    expect(err.context['line']).toBe(2)
  })

  it('counts lines past a header and blank lines when naming one', () => {
    expect(refusal(() => parseLobsterMessages(`time,type,id,size,price,dir\n${GOOD}\n\n34200.1,1,1,x,1,1`, 'm.csv')).message).toBe('m.csv line 4, column 4 (size): not a whole number, got "x"')
  })

  it('does not take a first row with numbers in it for a header', () => {
    expect(refusal(() => parseLobsterMessages(`34200.1,one,1,1,1,1\n${GOOD}`, 'm.csv')).message).toBe('m.csv line 1, column 2 (type): not a whole number, got "one"')
  })
})

describe('LOBSTER order-book rows', () => {
  const row = '5859400,200,5853300,18,5859800,200,5853000,150'

  it('reads levels, takes whole numbers written as floats, and writes rows back in the same text', () => {
    const rows = parseLobsterBookRows(`${row}\n5859400.0,200,5853300,18,9999999999,0,-9999999999,0\n`, 'b.csv')
    expect(rows.levels).toBe(2)
    expect([...rows.cells.subarray(8)]).toEqual([5859400, 200, 5853300, 18, 9999999999, 0, -9999999999, 0])
    expect(rows.endsWithNewline).toBe(true)
    const f = (...xs: number[]): Float64Array => Float64Array.from(xs)
    expect(formatLobsterBookRow(f(5859400, 5859800), f(200, 200), 2, f(5853300, 5853000), f(18, 150), 2, 2)).toBe(row)
    expect(formatLobsterBookRow(f(5859400, 0), f(200, 0), 1, f(0, 0), f(0, 0), 0, 2)).toBe('5859400,200,-9999999999,0,9999999999,0,-9999999999,0')
  })

  it.each([
    ['5859400,200,5853300,-18,5859800,200,5853000,150', 'b.csv line 2, column 4 (bid size 1): size must not be negative, got "-18"'],
    ['5859400,200,5853300,18,5859800,2e2,5853000,150', 'b.csv line 2, column 6 (ask size 2): not a whole number, got "2e2"'],
    ['5859400,200,5853300,18,5859800,200,5853000', 'b.csv line 2: expected 8 columns, got 7'],
  ])('refuses %s naming file, line and column', (bad, message) => {
    const err = refusal(() => parseLobsterBookRows(`${row}\n${bad}`, 'b.csv'))
    expect(err.code).toBe('ERR_LOBSTER_FORMAT')
    expect(err.message).toBe(message)
  })

  it('refuses a file whose rows are not four columns a level', () => {
    expect(refusal(() => parseLobsterBookRows('1,2,3\n', 'b.csv')).message).toBe('b.csv: an order-book file has four columns per level and at least one row, got 1 rows of 3 columns')
  })
})
