/**
 * One hostile case through the real route handlers of a real Payload (own SQLite file):
 * `POST /api/newsletters/preview`, then a save (`POST /api/newsletters`) and a save of an
 * article. Prints status, milliseconds and peak RSS per request. Run in a child process
 * (run.ts) so that an abort kills only it:
 * `NODE_OPTIONS=--conditions=production node --import tsx bench/richtext-hostile/endpoint.ts deepQuotes`.
 */
import { performance } from 'node:perf_hooks'

import { createStaff, PASSWORD } from '../../tests/helpers/fixtures'
import { startTestPayload, stopTestPayload } from '../../tests/helpers/payload'
import { hostileCases } from './cases'

process.env.SEED_DEMO_CONTENT = 'false'
const [caseName = 'deepQuotes', only] = process.argv.slice(2)
const make = hostileCases[caseName]
if (!make) throw new Error(`unknown case ${caseName}`)

const ctx = await startTestPayload(`hostile-${caseName}`)
const http = await import('../../tests/helpers/http')
await createStaff(ctx.payload)
const token = await http.login('editor@clinic.test', PASSWORD)
const intro = make()

const timed = async (name: string, run: () => Promise<{ status: number; json?: any; text: string }>) => {
  if (only && only !== name) return
  const started = performance.now()
  const response = await run()
  const message = response.json?.errors?.[0]?.data?.errors?.[0]?.message ?? response.json?.errors?.[0]?.message ?? ''
  console.log(
    JSON.stringify({
      case: caseName,
      request: name,
      status: response.status,
      ms: Math.round(performance.now() - started),
      rssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      bytes: response.text.length,
      message: String(message).slice(0, 160),
    }),
  )
}

await timed('preview', () => http.api('POST', '/newsletters/preview', { credentials: { token }, body: { subject: 'Hostile', intro } }))
await timed('save-newsletter', () => http.api('POST', '/newsletters', { credentials: { token }, body: { subject: 'Hostile', intro } }))
await timed('save-article', () =>
  http.api('POST', '/articles', { credentials: { token }, body: { title: 'Hostile', slug: `hostile-${caseName.toLowerCase()}`, content: intro, _status: 'draft' } }),
)
await stopTestPayload(ctx)
process.exit(0)
