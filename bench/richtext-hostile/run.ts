/**
 * Time and peak RSS of rendering each hostile intro (cases.ts), each in a child process of
 * its own (stage.ts) so an abort is reported instead of ending the run, `runs` times each:
 * `NODE_OPTIONS=--conditions=production npx tsx bench/richtext-hostile/run.ts [runs] [case…]`.
 * Results: bench/richtext-hostile/README.md.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { hostileCases } from './cases'

const here = path.dirname(fileURLToPath(import.meta.url))
const [runsArg, ...names] = process.argv.slice(2)
const runs = Number(runsArg) || 1

for (const name of names.length ? names : Object.keys(hostileCases)) {
  const outcomes: string[] = []
  let worstMs = 0
  let worstRss = 0
  for (let run = 0; run < runs; run++) {
    const started = Date.now()
    const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'stage.ts'), name, 'all'], {
      env: { ...process.env, HOSTILE_NEXT_ERRORS: '1', HOSTILE_REPEAT: '3', NODE_OPTIONS: '--conditions=production' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    })
    const lines = child.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line))
    const last = lines.at(-2)?.stage ?? lines.at(-1)?.stage
    const fatal = /FATAL ERROR: [^\n]*/.exec(child.stderr)?.[0]
    outcomes.push(child.status === 0 ? String(last) : `exit ${child.status ?? child.signal}${fatal ? ` (${fatal})` : ''}`)
    worstMs = Math.max(worstMs, lines.find((line) => line.stage === 'total')?.ms ?? Date.now() - started)
    worstRss = Math.max(worstRss, ...lines.map((line) => line.rssMb))
  }
  console.log(JSON.stringify({ case: name, runs, outcomes: [...new Set(outcomes)].map((o) => `${outcomes.filter((x) => x === o).length}× ${o}`), worstMs, worstRssMb: worstRss }))
}
