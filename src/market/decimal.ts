import { WavesError } from '../errors/index.js'

/**
 * An exact decimal number: `units × 10^-scale`. Venue prices, sizes and fees
 * are decimals; doing their arithmetic in binary floating point drifts, so
 * accounting and precision conversions go through this instead.
 */
export interface ScaledDecimal {
  readonly units: bigint
  readonly scale: number
}

/** Largest exponent and digit count accepted: far beyond any price, size or fee. */
const MAX_EXPONENT = 100
const MAX_DIGITS = 100

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/

/** Parses `'12.340'`, `'-0.5'`, `'1e-8'` or a finite number (through its shortest round-trip text). */
export function parseDecimal(value: string | number): ScaledDecimal {
  const text = typeof value === 'number' ? numberText(value) : value.trim()
  const match = DECIMAL.exec(text)
  const whole = match?.[2] ?? ''
  const fraction = match?.[3] ?? ''
  if (match === null || whole.length + fraction.length === 0) {
    throw new WavesError('ERR_DECIMAL_FORMAT', `not a decimal number: ${JSON.stringify(value)}`, { value })
  }
  const exponent = match[4] === undefined ? 0 : Number(match[4])
  // A venue's number never needs more; a hostile '1e999999999' would build a gigantic bigint.
  if (Math.abs(exponent) > MAX_EXPONENT || whole.length + fraction.length > MAX_DIGITS) {
    throw new WavesError('ERR_DECIMAL_FORMAT', `decimal number out of range: ${JSON.stringify(value).slice(0, 64)}`, { value: String(value).slice(0, 64) })
  }
  let units = BigInt(whole + fraction || '0')
  let scale = fraction.length - exponent
  if (scale < 0) {
    units *= 10n ** BigInt(-scale)
    scale = 0
  }
  return { units: match[1] === '-' ? -units : units, scale }
}

/** The decimal text of `units × 10^-scale`, with exactly `scale` fraction digits. */
export function formatDecimal(units: bigint, scale: number): string {
  const negative = units < 0n
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0')
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`
  return negative ? `-${text}` : text
}

/** The units of `d` at `scale`, or undefined when that would lose digits. */
export function unitsAtScale(d: ScaledDecimal, scale: number): bigint | undefined {
  if (scale >= d.scale) return d.units * 10n ** BigInt(scale - d.scale)
  const divisor = 10n ** BigInt(d.scale - scale)
  return d.units % divisor === 0n ? d.units / divisor : undefined
}

/** How many whole `step`s make `value` exactly, or undefined when `value` is not on the step's grid. */
export function stepsOf(value: ScaledDecimal, step: ScaledDecimal): bigint | undefined {
  const scale = Math.max(value.scale, step.scale)
  const v = unitsAtScale(value, scale)!
  const s = unitsAtScale(step, scale)!
  return v % s === 0n ? v / s : undefined
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) {
    throw new WavesError('ERR_DECIMAL_FORMAT', `not a finite number: ${value}`, { value })
  }
  return String(value)
}
