import fs from 'node:fs'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { dkimResolver, generateDkimKey, verifyDkim } from '../../bench/deliverability/measure'
import { headerOf, receivedWith, sendNewsletterHere } from '../helpers/deliverability'
import { addSubscribers, scheduleNewsletter, setUpClinic } from '../helpers/newsletters'
import { stopMailingTest } from '../helpers/outgoingMail'
import { startTestPayload, type TestPayload } from '../helpers/payload'
import { startSmtpSink } from '../helpers/smtpSink'

/**
 * DKIM (emails/dkim.ts): every message is signed with the DKIM_* key, newsletters (their parts
 * pre-encoded, `{ raw }`) and transactional mail alike, and a real verifier (mailauth, with a
 * resolver that answers this test's public key: no DNS) accepts the signature, and rejects it
 * once a signed header is changed on the way. A half configuration or a bad key is refused.
 */
const DOMAIN = 'stevenson-clinic.test'
const SELECTOR = 'test2026'
const key = generateDkimKey()
const resolver = dkimResolver(DOMAIN, SELECTOR, key.txtRecord)
let ctx: TestPayload
let sink: Awaited<ReturnType<typeof startSmtpSink>>

beforeAll(async () => {
  sink = await startSmtpSink()
  Object.assign(process.env, { SMTP_URL: sink.url, EMAIL_FROM: `Stevenson Clinic <news@${DOMAIN}>`, DKIM_DOMAIN: DOMAIN, DKIM_SELECTOR: SELECTOR, DKIM_PRIVATE_KEY: key.privatePem })
  ctx = await startTestPayload('deliverability-dkim')
  await setUpClinic(ctx.payload)
})

afterAll(() => stopMailingTest(ctx, sink))

/** The raw message with one header's value replaced, as a relay that rewrote it would pass it on. */
const withHeader = (raw: string, name: string, value: string) => {
  const pattern = new RegExp(`^${name}:.*(?:\\r?\\n[ \\t].*)*`, 'im')
  expect(pattern.test(raw)).toBe(true)
  return raw.replace(pattern, `${name}: ${value}`)
}

describe('DKIM signing', () => {
  it('signs a newsletter, whose parts are pre-encoded, and the signature breaks when a signed header or the body changes', async () => {
    await addSubscribers(ctx.payload, 1, { prefix: 'dkim-reader' })
    const newsletter = await scheduleNewsletter(ctx.payload, { subject: 'Signed stretches', sendAt: new Date().toISOString() })
    expect(await sendNewsletterHere(ctx.payload, newsletter.id)).toBe('finished')
    const { raw } = receivedWith(sink.messages, 'Subject: Signed stretches')

    const signed = await verifyDkim(raw, resolver)
    expect(signed.info).toMatch(new RegExp(`^dkim=pass .*header\\.i=@${DOMAIN.replace('.', '\\.')}`))
    expect(signed.pass).toBe(true)
    expect(signed.signedHeaders).toEqual(expect.arrayContaining(['from', 'subject', 'date', 'message-id', 'to', 'list-unsubscribe', 'list-unsubscribe-post', 'list-id']))
    expect(headerOf(raw, 'DKIM-Signature')).toContain(`s=${SELECTOR}`)

    for (const [name, value] of [
      ['Subject', 'Signed stretches (and a prize!)'],
      ['List-Unsubscribe', '<https://attacker.example/unsubscribe>'],
      ['From', `Stevenson Clinic <billing@${DOMAIN}>`],
    ] as const) {
      const altered = await verifyDkim(withHeader(raw, name, value), resolver)
      expect(altered.pass, name).toBe(false)
      expect(altered.info, name).toMatch(/^dkim=(fail|neutral)/)
    }
    const bodyChanged = await verifyDkim(raw.replace('Three stretches', 'Four stretches'), resolver)
    expect(bodyChanged.pass).toBe(false)
  })

  it('signs transactional mail sent through the outbox', async () => {
    const [id] = await addSubscribers(ctx.payload, 1, { prefix: 'dkim-welcome', name: () => 'Robin' })
    const subscriber = await ctx.payload.db.findOne({ collection: 'subscribers', where: { id: { equals: id } } })
    const { sendSubscriberEmail } = await import('../../src/subscribers/mail')
    const { preferencesUrl } = await import('../../src/subscribers/links')
    await sendSubscriberEmail(ctx.payload, subscriber as never, 'welcome', { preferencesUrl: preferencesUrl(subscriber as never) })
    const { raw } = receivedWith(sink.messages, 'To: dkim-welcome-0@example.com')
    expect((await verifyDkim(raw, resolver)).pass).toBe(true)
    expect((await verifyDkim(withHeader(raw, 'To', 'someone-else@example.com'), resolver)).pass).toBe(false)
    // A key this receiver does not know: the same message does not verify.
    const stranger = dkimResolver(DOMAIN, SELECTOR, generateDkimKey().txtRecord)
    expect((await verifyDkim(raw, stranger)).pass).toBe(false)
  })
})

describe('DKIM configuration', () => {
  it('is all or nothing, and names what is missing or wrong', async () => {
    const { loadDkimConfig } = await import('../../emails/dkim')
    const full = { DKIM_DOMAIN: DOMAIN, DKIM_SELECTOR: SELECTOR, DKIM_PRIVATE_KEY: key.privatePem }
    expect(loadDkimConfig({})).toBeUndefined()
    expect(loadDkimConfig(full)?.domainName).toBe(DOMAIN)
    expect(() => loadDkimConfig({ DKIM_DOMAIN: DOMAIN })).toThrow(/half configured: DKIM_SELECTOR, DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE are missing/)
    expect(() => loadDkimConfig({ ...full, DKIM_SELECTOR: '' })).toThrow(/DKIM_SELECTOR is missing/)
    expect(() => loadDkimConfig({ ...full, DKIM_PRIVATE_KEY: 'not a key' })).toThrow(/DKIM_PRIVATE_KEY is not a readable PEM private key/)
    expect(() => loadDkimConfig({ ...full, DKIM_DOMAIN: 'not a domain' })).toThrow(/not a domain name/)
    // One-line env files: the PEM with \n escapes.
    expect(loadDkimConfig({ ...full, DKIM_PRIVATE_KEY: key.privatePem.replace(/\n/g, '\\n') })?.keySelector).toBe(SELECTOR)
    const file = path.join(ctx.dir, 'dkim.pem')
    fs.writeFileSync(file, key.privatePem)
    const { DKIM_PRIVATE_KEY: _inline, ...withoutInline } = full
    expect(loadDkimConfig({ ...withoutInline, DKIM_PRIVATE_KEY_FILE: file })?.domainName).toBe(DOMAIN)
    expect(() => loadDkimConfig({ ...withoutInline, DKIM_PRIVATE_KEY_FILE: path.join(ctx.dir, 'missing.pem') })).toThrow(/cannot read DKIM_PRIVATE_KEY_FILE .*missing\.pem/)
    const { createMailer } = await import('../../emails/transport')
    const saved = process.env.DKIM_SELECTOR
    delete process.env.DKIM_SELECTOR
    try {
      expect(() => createMailer({ smtpUrl: sink.url })).toThrow(/DKIM is half configured/)
    } finally {
      process.env.DKIM_SELECTOR = saved
    }
  })
})
