/**
 * `npm run check:deliverability`: every kind of email the clinic sends, built through the real
 * pipeline (seeded clinic and articles on a fresh SQLite file, the subscriber mail through the
 * transactional outbox, newsletters through the sending worker's NewsletterRun, the test send
 * through the endpoint's message), signed with a DKIM key generated for this run, received by a
 * real SMTP server on loopback, then measured (measure.ts): SpamAssassin score and rules, HTML
 * size, DKIM verification, headers. Exits 1 when a message scores above 0.5, fails DKIM, has
 * HTML over 90 KB or fails a header check.
 *
 * MEASURE_ONLY=1 skips the DKIM and header gates (to measure templates from before the
 * deliverability work). DUMP_DIR=dir writes each message as an .eml file. VERBOSE=1 keeps
 * Payload's log. Needs Debian's `spamassassin` (installed by .ci/run). About 30 s.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { startSmtpSink, type ReceivedMail } from '../../tests/helpers/smtpSink'
import { behindRelayWithoutRdns, dkimResolver, generateDkimKey, htmlBytes, MAX_HTML_BYTES, MAX_SCORE, parseMail, spamAssassin, verifyDkim } from './measure'

const DOMAIN = 'stevensonclinic.com'
const SELECTOR = 'mail2026'
const key = generateDkimKey()
const measureOnly = process.env.MEASURE_ONLY === '1'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-deliverability-'))
const sink = await startSmtpSink()
Object.assign(process.env, {
  DATABASE_URI: `file:${path.join(dir, 'cms.db')}`,
  MEDIA_DIR: path.join(dir, 'media'),
  PAYLOAD_SECRET: process.env.PAYLOAD_SECRET || 'check-deliverability-secret-0123456789',
  SERVER_URL: `https://news.${DOMAIN}`,
  SITE_URL: `https://www.${DOMAIN}`,
  EMAIL_FROM: `Stevenson Clinic <news@${DOMAIN}>`,
  SMTP_URL: sink.url,
  DKIM_DOMAIN: DOMAIN,
  DKIM_SELECTOR: SELECTOR,
  DKIM_PRIVATE_KEY: key.privatePem,
  SEED_DEMO_CONTENT: 'false',
})
const resolver = dkimResolver(DOMAIN, SELECTOR, key.txtRecord)

const { getPayload } = await import('payload')
const { default: config } = await import('../../payload.config')
const { seed } = await import('../../src/seed')
const { newManageSecret } = await import('../../src/subscribers/tokens')
const { confirmUrl, preferencesUrl } = await import('../../src/subscribers/links')
const { sendSubscriberEmail } = await import('../../src/subscribers/mail')
const { createMailer } = await import('../../emails/transport')
const { NewsletterRun } = await import('../../jobs/newsletters/newsletterRun')
const { loadNewsletterSendConfig } = await import('../../jobs/newsletters/config')
const { claimNewsletter, SCHEDULE_SETTLE_MS } = await import('../../jobs/newsletters/store/newsletters')
const { renderNewsletterPreview } = await import('../../emails/newsletters/compile')
const { testSendMessage } = await import('../../jobs/newsletters/message')
const { previewLinks } = await import('../../src/endpoints/newsletterPreview')

const payload = await getPayload({ config })
// Payload's own log (seed, each send) would drown the table; VERBOSE=1 keeps it.
if (process.env.VERBOSE !== '1') payload.logger.level = 'warn'
const cleanUp = async () => {
  await payload.destroy().catch(() => {})
  await sink.close()
  fs.rmSync(dir, { recursive: true, force: true })
}

type Built = { kind: string; mail: ReceivedMail; transactional: boolean }
const built: Built[] = []
/** Runs `send`, then waits for exactly one new message at the sink. */
const collect = async (kind: string, transactional: boolean, send: () => Promise<unknown>) => {
  const before = sink.messages.length
  await send()
  const until = Date.now() + 30_000
  while (sink.messages.length === before && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20))
  if (sink.messages.length !== before + 1) throw new Error(`${kind}: expected one message at the SMTP sink, got ${sink.messages.length - before}.`)
  built.push({ kind, mail: sink.messages[before]!, transactional })
}

try {
  await seed(payload)
  // The seed keeps a few articles scheduled or in draft; the 12-article newsletter needs them live.
  const { docs: unpublished } = await payload.find({ collection: 'articles', where: { _status: { not_equals: 'published' } }, draft: true, depth: 0, pagination: false })
  for (const doc of unpublished) {
    await payload.update({ collection: 'articles', id: doc.id, data: { _status: 'published', publishedAt: new Date(Date.now() - 3600_000).toISOString() } as never, depth: 0, context: { seeding: true } })
  }
  const { docs: articles } = await payload.find({ collection: 'articles', where: { _status: { equals: 'published' } }, sort: '-publishedAt', depth: 0, limit: 20, pagination: false })
  if (articles.length < 12) throw new Error(`The seed published ${articles.length} articles; the 12-article newsletter needs 12.`)
  const subscriber = await payload.db.create({
    collection: 'subscribers',
    data: { email: 'reader@example.net', emailKey: 'reader@example.net', manageSecret: newManageSecret(), name: 'Jordan Reader', status: 'confirmed', bounceCount: 0, confirmationNonce: 'n0nce' },
  })

  await collect('confirmation', true, () => sendSubscriberEmail(payload, subscriber as never, 'confirmSubscription', { confirmUrl: confirmUrl(subscriber as never, 'n0nce') }))
  await collect('already-subscribed', true, () => sendSubscriberEmail(payload, subscriber as never, 'alreadySubscribed', { preferencesUrl: preferencesUrl(subscriber as never) }))
  await collect('welcome', true, () => sendSubscriberEmail(payload, subscriber as never, 'welcome', { preferencesUrl: preferencesUrl(subscriber as never) }))
  await collect('reminder', true, () => sendSubscriberEmail(payload, subscriber as never, 'reminder', { confirmUrl: confirmUrl(subscriber as never, 'n0nce') }))

  const mailer = createMailer({ requeueOnConnectionClose: false, logger: { info: () => {} } })
  const sendConfig = loadNewsletterSendConfig()
  const { newsletters: seeded } = await import('../../src/seed/data/newsletters')
  const seededNewsletter = (await payload.find({ collection: 'newsletters', where: { subject: { equals: seeded[0]!.subject } }, depth: 0, limit: 1 })).docs[0]!
  const ids = articles.map((doc) => doc.id)
  const newsletterKinds: Array<[string, Record<string, unknown>]> = [
    ['newsletter (3 articles)', { subject: seededNewsletter.subject, preheader: seededNewsletter.preheader, featuredArticles: seededNewsletter.featuredArticles }],
    ['newsletter (12 articles)', { subject: 'Twelve reads for the new year', preheader: 'A dozen articles from our blog, from sciatica to scar tissue.', featuredArticles: ids.slice(0, 12) }],
    ['announcement', { subject: `New article: ${articles[0]!.title}`, template: 'article', featuredArticles: [ids[0]], sourceArticle: ids[0], intro: null }],
    // What the weekly digest creates (jobs/newsletters/digest.ts), after a busy stretch: every published article.
    ['digest', { subject: 'New this week from Stevenson Clinic', template: 'digest', featuredArticles: ids, digestSince: new Date(Date.now() - 30 * 24 * 3600_000).toISOString(), intro: null }],
  ]
  const scheduled: Array<[string, number | string]> = []
  for (const [kind, data] of newsletterKinds) {
    const created = await payload.create({ collection: 'newsletters', data: { intro: seededNewsletter.intro, audience: 'all', ...data, status: 'scheduled', sendAt: new Date().toISOString() } as never, depth: 0 })
    scheduled.push([kind, created.id])
  }
  // A scheduled newsletter is claimable once it has been left alone for SCHEDULE_SETTLE_MS.
  await new Promise((resolve) => setTimeout(resolve, SCHEDULE_SETTLE_MS + 100))
  for (const [kind, id] of scheduled) {
    await collect(kind, false, async () => {
      const claimed = await claimNewsletter(payload, id, 'check', sendConfig.leaseMs)
      if (!claimed) throw new Error(`${kind}: could not claim the newsletter.`)
      const outcome = await new NewsletterRun(payload, mailer, claimed, 'check', sendConfig).run()
      if (outcome !== 'finished') {
        const after = await payload.findByID({ collection: 'newsletters', id, depth: 0 })
        throw new Error(`${kind}: the send ended "${outcome}": ${after.note ?? 'no note'}`)
      }
    })
  }
  await collect('test send', false, async () => {
    const links = previewLinks()
    const rendered = await renderNewsletterPreview(payload, seededNewsletter, { sampleName: 'Alex', links })
    await mailer.send(testSendMessage(rendered, 'owner@example.net', seededNewsletter, links))
  })
  mailer.close()

  const rows: Array<Record<string, string>> = []
  let failed = false
  for (const { kind, mail, transactional } of built) {
    // DUMP_DIR=dir: each message as an .eml file, to open in a mail client or feed to other checkers.
    if (process.env.DUMP_DIR) {
      fs.mkdirSync(process.env.DUMP_DIR, { recursive: true })
      fs.writeFileSync(path.join(process.env.DUMP_DIR, `${kind.replace(/[^a-z0-9]+/gi, '-')}.eml`), mail.raw)
    }
    const parsed = await parseMail(mail.raw)
    const [spam, relayed, dkim] = await Promise.all([spamAssassin(mail.raw), spamAssassin(behindRelayWithoutRdns(mail.raw)), verifyDkim(mail.raw, resolver)])
    const size = htmlBytes(parsed)
    const problems = measureOnly ? [] : headerProblems(parsed, dkim.signedHeaders, transactional)
    const bad = spam.score > MAX_SCORE || size > MAX_HTML_BYTES || (!measureOnly && !dkim.pass) || problems.length > 0
    failed ||= bad
    rows.push({
      message: kind,
      score: spam.score.toFixed(1),
      rules: spam.rules.join(',') || '-',
      'no-rDNS relay': `${relayed.score.toFixed(1)} ${relayed.rules.filter((rule) => !spam.rules.includes(rule)).join(',')}`.trim(),
      'HTML KB': (size / 1024).toFixed(1),
      DKIM: dkim.pass ? 'pass' : dkim.info.split(' ')[0]!,
      headers: problems.length ? problems.join('; ') : 'ok',
      verdict: bad ? 'FAIL' : 'ok',
    })
  }
  printTable(rows)
  console.log(`\nLimits: score ≤ ${MAX_SCORE} (SpamAssassin ${'-t -L'}, Debian's rules), DKIM pass (mailauth, key of this run), HTML ≤ ${MAX_HTML_BYTES / 1024} KB.`)
  await cleanUp()
  process.exit(failed ? 1 : 0)
} catch (error) {
  console.error(error)
  await cleanUp()
  process.exit(2)
}

function headerProblems(mail: Awaited<ReturnType<typeof parseMail>>, signed: string[], transactional: boolean): string[] {
  const problems: string[] = []
  // The raw header values (unfolded): mailparser turns some (List-*) into objects.
  const header = (name: string) => {
    const line = mail.headerLines.find((entry) => entry.key === name.toLowerCase())?.line
    return line?.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim()
  }
  const fromDomain = mail.from?.value[0]?.address?.split('@')[1]?.toLowerCase()
  const messageId = mail.messageId ?? ''
  if (!fromDomain || !messageId.toLowerCase().endsWith(`@${fromDomain}>`)) problems.push(`Message-ID ${messageId} not on ${fromDomain}`)
  if (/subscriber|member|\.\d+@/.test(messageId)) problems.push('Message-ID shows a subscriber')
  for (const name of ['from', 'subject', 'date', 'message-id', 'list-unsubscribe', 'list-unsubscribe-post']) if (!signed.includes(name)) problems.push(`DKIM does not sign ${name}`)
  const unsubscribe = header('list-unsubscribe') ?? ''
  if (!/^<https:\/\//.test(unsubscribe)) problems.push('List-Unsubscribe has no https URL first')
  if (header('list-unsubscribe-post') !== 'List-Unsubscribe=One-Click') problems.push('no List-Unsubscribe-Post')
  if (!/auto-generated/i.test(header('auto-submitted') ?? '')) problems.push('no Auto-Submitted')
  if (!transactional) {
    if (header('precedence') !== 'bulk') problems.push('no Precedence: bulk')
    const listIdText = header('list-id') ?? ''
    if (!listIdText.includes(`<newsletter.${fromDomain}>`) || !/newsletter"/.test(listIdText)) problems.push(`List-Id ${listIdText}`)
    if (!/^[^:]+:[a-z]+:newsletter:[^:]+$/.test(header('feedback-id') ?? '')) problems.push('no Feedback-ID')
  }
  return problems
}

function printTable(rows: Array<Record<string, string>>) {
  const columns = Object.keys(rows[0] ?? {})
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => row[column]!.length)))
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')
  console.log(line(columns))
  console.log(widths.map((width) => '-'.repeat(width)).join('-|-'))
  for (const row of rows) console.log(line(columns.map((column) => row[column]!)))
}
