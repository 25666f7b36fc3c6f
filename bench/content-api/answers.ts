/**
 * Writes the answers (status and body bytes) of a fixed set of public reads to a JSON file, for
 * comparing two versions of the code byte for byte: run it on each, then `cmp` the files
 * (timestamps and array row ids, made from the clock when the seed ran, are written as <time> and <row id>).
 * Payload on a fresh SQLite file with the demo content; the route handlers called directly.
 *
 *   NODE_OPTIONS=--conditions=production npx tsx bench/content-api/answers.ts <out.json>
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cms-answers-'))
process.env.DATABASE_URI = `file:${path.join(dir, 'cms.db')}`
process.env.MEDIA_DIR = path.join(dir, 'media')
process.env.SEED_DEMO_CONTENT = 'false'
process.env.PAYLOAD_SECRET ??= 'answers-secret-0123456789abcdef0123'
process.env.SERVER_URL ??= 'http://localhost:3000'

const { getPayload } = await import('payload')
const { default: config } = await import('../../payload.config')
const payload = await getPayload({ config })
const { seed } = await import('../../src/seed')
await seed(payload)
const http = await import('../../tests/helpers/http')

const condition = (await payload.find({ collection: 'conditions', limit: 1, sort: 'name' })).docs[0] as { id: number; slug: string }
const article = (await payload.find({ collection: 'articles', limit: 1, sort: 'title' })).docs[0] as { id: number; slug: string }
const bogus = { Authorization: 'Bearer not-a-session' }
const graphqlReads = [
  `query FrontPage { Articles(limit: 10, sort: "-publishedAt") { docs { title slug excerpt heroImage { url } conditions { name slug } } } }`,
  `query FrontPage { Articles(select: true, limit: 10, sort: "-publishedAt") { docs { title slug excerpt heroImage { url } conditions { name slug } } } }`,
  `{ Articles(limit: 5) { totalDocs docs { ...A } } } fragment A on Article { id title heroImage { url alt thumbnailURL sizes { card { url width } } } seo { title } }`,
  `{ Conditions(limit: 3) { docs { name slug symptoms { symptom } techniques relatedServices { name } relatedArticles(limit: 5) { docs { title } } medicalReview { reviewedBy } citations { title url } howMassageHelps jsonLd } } }`,
  `{ Condition(id: ${condition.id}) { name summary updatedAt seo { image { url } } } }`,
  `{ Article(id: ${article.id}) { title content jsonLd conditions { name jsonLd } } }`,
  `{ Articles(limit: 3) { docs { heroImage { thumbnailURL } } } }`,
  `{ Articles(limit: 4, page: 2, sort: "title") { docs { title } } }`,
  `{ Articles(limit: 4, page: 2, sort: "title") { page limit totalPages docs { title } } }`,
  `{ Clinic { name } Services { docs { name slug } } Faqs { docs { question answer } } }`,
  `{ Articles { docs { nope } } }`,
]
const answers: Record<string, unknown> = {}
for (const query of graphqlReads) {
  for (const headers of [{}, bogus]) {
    const response = await http.gql(query, undefined, undefined, headers)
    answers[`graphql ${Object.keys(headers).length ? 'bogus auth ' : ''}${query}`] = { status: response.status, body: JSON.stringify(response.json) }
  }
}
for (const restPath of [
  `/conditions?where[slug][equals]=${condition.slug}&depth=2`,
  `/articles?limit=10&depth=1`,
  `/articles/${article.id}?depth=2`,
  `/globals/clinic`,
  `/globals/clinic?depth=2`,
]) {
  const response = await http.api('GET', restPath)
  answers[`rest ${restPath}`] = { status: response.status, body: response.text }
}
// The seed stamps documents with the time it runs, and array rows get ObjectId-like ids made from
// the clock: the two things two runs differ in.
const stable = JSON.stringify(answers, null, 1)
  .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
  .replace(/\b[0-9a-f]{24}\b/g, '<row id>')
fs.writeFileSync(process.argv[2] ?? 'answers.json', stable)
console.log(`${Object.keys(answers).length} answers written to ${process.argv[2] ?? 'answers.json'}`)
await payload.destroy()
fs.rmSync(dir, { recursive: true, force: true })
process.exit(0)
