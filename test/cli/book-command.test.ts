import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

// The LOBSTER sample: AAPL 2012-06-21, ten levels, 999 messages and the book after each.
const dir = fileURLToPath(new URL('../../../shared/data/lobster/', import.meta.url))
const messageFile = `${dir}AAPL_2012-06-21_34200000_57600000_message_10.csv`
const bookFile = `${dir}AAPL_2012-06-21_34200000_57600000_orderbook_10.csv`
const scratch = mkdtempSync(join(tmpdir(), 'waves-book-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const waves = (args: string[]) => spawnSync('node', ['dist/src/cli.js', 'book', ...args], { encoding: 'buffer', timeout: 60_000 })

const SUMMARY = [
  'waves book: 999 rows (row 1 seeded, 998 rebuilt from messages), 998 of 998 exact, 10 levels a side',
  'levels filled from the seed file: 318 (entered the top 10 from below when a better level emptied)',
  'events after the seed: 1 submission 470, 2 partial cancel 0, 3 deletion 369, 4 visible execution 98, 5 hidden execution 61, 6 cross trade 0, 7 halt 0',
  '',
].join('\n')

describe('waves book', () => {
  it('writes the sample order-book file back byte for byte and sums up on stderr', () => {
    const run = waves([messageFile, '--levels', '10', '--seed', bookFile])
    expect(run.stderr.toString()).toBe(SUMMARY)
    expect(run.status).toBe(0)
    expect(Buffer.compare(run.stdout, readFileSync(bookFile))).toBe(0)
  })

  it('rebuilds files another tool exported, with header rows, millisecond times and a final newline, as they are', () => {
    const messages = `time,event,id,shares,price,side\n${readFileSync(messageFile, 'utf8').replace(/^(\d+)\.(\d{1,3})\d*/gm, '$1.$2')}\n`
    const book = `${Array.from({ length: 10 }, (_, l) => `ask${l + 1},asksize${l + 1},bid${l + 1},bidsize${l + 1}`).join(',')}\n${readFileSync(bookFile, 'utf8')}\n`
    writeFileSync(join(scratch, 'messages.csv'), messages)
    writeFileSync(join(scratch, 'book.csv'), book)
    const run = waves([join(scratch, 'messages.csv'), '--seed', join(scratch, 'book.csv')])
    expect(run.stderr.toString()).toBe(SUMMARY)
    expect(run.stdout.toString()).toBe(book)
  })

  it('says where a malformed row is and exits 1 with nothing on stdout', () => {
    const lines = readFileSync(messageFile, 'utf8').split('\n')
    lines[41] = lines[41]!.replace(/,(-?1)$/, ',0')
    writeFileSync(join(scratch, 'bad.csv'), lines.join('\n'))
    const run = waves([join(scratch, 'bad.csv'), '--seed', bookFile])
    expect(run.status).toBe(1)
    expect(run.stdout.length).toBe(0)
    expect(run.stderr.toString()).toBe(`waves book: ${join(scratch, 'bad.csv')} line 42, column 6 (direction): direction must be 1 or -1, got "0"\n`)
  })

  it('refuses a bad command line with exit code 2', () => {
    const noSeed = waves([messageFile])
    expect(noSeed.status).toBe(2)
    expect(noSeed.stderr.toString()).toMatch(/^no order-book file given: --seed ORDERBOOK_FILE is required\nusage: waves book/)
    const badLevels = waves([messageFile, '--seed', bookFile, '--levels', '0'])
    expect(badLevels.status).toBe(2)
    expect(badLevels.stderr.toString()).toMatch(/^--levels must be a whole number of at least 1, got 0\n/)
    const tooDeep = waves([messageFile, '--seed', bookFile, '--levels', '11'])
    expect(tooDeep.status).toBe(1)
    expect(tooDeep.stderr.toString()).toBe(`waves book: ${bookFile} has 10 levels a side; cannot rebuild 11\n`)
  })
})
