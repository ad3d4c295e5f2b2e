#!/usr/bin/env node
// Generates the TypeScript for schemas/*.fbs into src/schemas/generated/ with
// Debian's flatc. `--check` generates into a scratch folder and fails if the
// committed code differs: nobody hand-edits generated code.
//
// flatc 2.0.8 writes relative imports without an extension, which Node's ESM
// resolution rejects, so this adds `.js` to each; and it writes one barrel per
// schema that lists only enums, so those are dropped for src/schemas/index.ts.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, cpSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const schemaDir = join(root, 'schemas')
const targetDir = join(root, 'src', 'schemas', 'generated')
const check = process.argv.includes('--check')

function listFiles(dir) {
  const out = []
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...listFiles(path))
    else out.push(path)
  }
  return out
}

const scratch = mkdtempSync(join(tmpdir(), 'waves-schemas-'))
try {
  const schemas = readdirSync(schemaDir).filter((f) => f.endsWith('.fbs')).sort().map((f) => join(schemaDir, f))
  try {
    execFileSync('flatc', ['--ts', '--gen-mutable', '-o', scratch, ...schemas], { stdio: ['ignore', 'inherit', 'inherit'] })
  } catch (err) {
    if (err.code === 'ENOENT') {
      console.error('flatc not found: install Debian\'s flatbuffers-compiler (npm run setup does)')
      process.exit(2)
    }
    throw err
  }
  for (const file of listFiles(scratch)) {
    if (file.endsWith('_generated.ts') && !relative(scratch, file).includes('/')) {
      rmSync(file)
      continue
    }
    const text = readFileSync(file, 'utf8').replace(/(from '\.{1,2}\/[^']+?)(?<!\.js)'/g, "$1.js'")
    writeFileSync(file, text)
  }

  if (check) {
    const want = new Map(listFiles(scratch).map((f) => [relative(scratch, f), readFileSync(f, 'utf8')]))
    let have
    try {
      have = new Map(listFiles(targetDir).map((f) => [relative(targetDir, f), readFileSync(f, 'utf8')]))
    } catch {
      have = new Map()
    }
    const differ = []
    for (const [name, text] of want) if (have.get(name) !== text) differ.push(have.has(name) ? `changed: ${name}` : `missing: ${name}`)
    for (const name of have.keys()) if (!want.has(name)) differ.push(`extra: ${name}`)
    if (differ.length > 0) {
      console.error(`src/schemas/generated/ differs from what schemas/*.fbs produce (run npm run schemas):\n  ${differ.join('\n  ')}`)
      process.exit(1)
    }
    console.log(`src/schemas/generated/ matches schemas/*.fbs (${want.size} files)`)
  } else {
    rmSync(targetDir, { recursive: true, force: true })
    mkdirSync(targetDir, { recursive: true })
    cpSync(scratch, targetDir, { recursive: true })
    console.log(`generated ${listFiles(targetDir).length} files into src/schemas/generated/`)
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
