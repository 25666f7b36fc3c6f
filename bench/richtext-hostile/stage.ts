/**
 * Hostile rich text through the newsletter render, stage by stage (Lexical → HTML, MJML,
 * html-to-text), printing one JSON line per stage: `{ case, stage, ms, rssMb, bytes }`.
 * Meant for a child process (run.ts, tests/int/richtext-crash.int.spec.ts), since before
 * the rich-text bounds it could abort V8:
 * `NODE_OPTIONS=--conditions=production node --import tsx bench/richtext-hostile/stage.ts deepQuotes all`.
 *
 * HOSTILE_NEXT_ERRORS=1 loads Next.js's server environment first, as `npm start` runs:
 * Next formats every error through its own prepareStackTrace and util.inspect hook (source
 * maps, stack parsing with regular expressions). HOSTILE_REPEAT renders the intro several
 * times, each from a few frames deeper, as requests to a real server do.
 */
import { performance } from 'node:perf_hooks'

import { lexicalToEmailHtml } from '../../emails/newsletters/lexicalToEmailHtml'
import { compileTemplate, htmlToPlainText } from '../../emails/render'
import { withClinicDefaults } from '../../emails/templates/clinicDefaults'
import { newsletter } from '../../emails/templates/newsletter'
import { hostileCases } from './cases'

if (process.env.HOSTILE_NEXT_ERRORS) await import('next/dist/server/node-environment.js')

const [caseName = 'deepQuotes', stage = 'all'] = process.argv.slice(2)
const make = hostileCases[caseName]
if (!make) throw new Error(`unknown case ${caseName}; one of ${Object.keys(hostileCases).join(', ')}`)
const data = make()
const t0 = performance.now()
const report = (name: string, bytes: number, started: number, extra: Record<string, unknown> = {}) =>
  console.log(
    JSON.stringify({ case: caseName, stage: name, ms: Math.round(performance.now() - started), rssMb: Math.round(process.resourceUsage().maxRSS / 1024), bytes, ...extra }),
  )

let started = performance.now()
const repeat = Number(process.env.HOSTILE_REPEAT) || 1
const fromDepth = (frames: number): string => (frames > 0 ? fromDepth(frames - 1) : lexicalToEmailHtml(data))
let introHtml = ''
try {
  for (let i = 0; i < repeat; i++) introHtml = fromDepth(i * 3)
} catch (error) {
  // The bounded converter refuses the document: the outcome the rich-text limits want.
  report('refused', 0, started, { message: (error as Error).message.slice(0, 200) })
  report('total', 0, t0)
  process.exit(0)
}
report('lexical', introHtml.length, started)
if (stage === 'lexical') process.exit(0)

const { mjml } = newsletter(withClinicDefaults({}), { subject: 'Hostile', introHtml, articles: [] })
started = performance.now()
const html = await compileTemplate(mjml).catch((error: Error) => {
  report('mjml-error', 0, started, { message: error.message.slice(0, 200) })
  return ''
})
if (html) report('mjml', html.length, started)
if (stage === 'mjml' || !html) process.exit(0)
started = performance.now()
try {
  report('text', htmlToPlainText(html).length, started)
} catch (error) {
  report('text-error', 0, started, { message: (error as Error).message.slice(0, 200) })
}
report('total', 0, t0)
