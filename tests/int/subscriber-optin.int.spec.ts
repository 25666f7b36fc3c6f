import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { stopMailingTest, outgoingMailSettled } from '../helpers/outgoingMail'
import type { TestPayload } from '../helpers/payload'
import { clientAddressHeaders } from '../../src/security/clientIp'
import { confirmFormIn, decodedMail, linkIn, mailsTo, openAndConfirm, waitForMails } from '../helpers/subscriberPages'
import { startSubscriberTest, type SubscriberTest } from '../helpers/subscriberTest'

/**
 * Opt-in that link scanners and second signups cannot break: the confirm link's GET only
 * shows a "Confirm my subscription" button (a plain form) and changes nothing; its POST
 * confirms, once. Every unexpired link of a pending signup confirms, whichever email it came
 * from; a link of a signup that has ended (unsubscribed, erased) never does. Real signups
 * through the REST route, real mail through an SMTP sink, the route handlers Next mounts.
 */
let ctx: TestPayload, sink: SubscriberTest['sink'], http: SubscriberTest['http'], service: SubscriberTest['service']
let confirmRoute: SubscriberTest['confirmRoute'], unsubscribeRoute: SubscriberTest['unsubscribeRoute']
let links: typeof import('../../src/subscribers/links')
let ipCounter = 0
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' }
// What Microsoft Safe Links and similar scanners send: a plain GET, sometimes more than one.
const SCANNER = { 'User-Agent': 'Mozilla/5.0 (compatible; Safe Links scanner)' }

beforeAll(async () => {
  ;({ sink, ctx, http, service, confirmRoute, unsubscribeRoute } = await startSubscriberTest('subscriber-optin'))
  links = await import('../../src/subscribers/links')
  await ctx.payload.updateGlobal({ slug: 'clinic', data: { name: 'Stevenson Clinic', bookingUrl: 'https://example.com/book', timezone: 'America/Chicago' } })
})

afterAll(() => stopMailingTest(ctx, sink))

const subscribe = async (email: string) => {
  const response = await http.api('POST', '/subscribe', { body: { email }, headers: clientAddressHeaders(`10.9.0.${++ipCounter}`) })
  expect(response.status).toBe(202)
  await service.signupsSettled()
}

const confirmLinks = (address: string) => mailsTo(sink.messages, address).filter((mail) => /\/email\/confirm\?token=/.test(decodedMail(mail.raw))).map((mail) => linkIn(mail.raw, '/email/confirm'))
const nthConfirmLink = async (address: string, n: number) => {
  await waitForMails(sink.messages, address, n)
  const found = confirmLinks(address)
  expect(found.length).toBeGreaterThanOrEqual(n)
  return found[n - 1]
}
const welcomes = (address: string) => mailsTo(sink.messages, address).filter((mail) => /^Subject: Welcome/im.test(decodedMail(mail.raw)))

/** The row as the server sees it, secret and nonce included. */
const row = async (email: string) => {
  const { docs } = await ctx.payload.find({ collection: 'subscribers', where: { emailKey: { equals: email.toLowerCase() } }, overrideAccess: true, depth: 0, limit: 1 })
  return docs[0]
}

const post = (link: string) => confirmRoute.POST(new Request(link, { method: 'POST', headers: FORM, body: '' }))

describe('the confirm link: GET shows a button and changes nothing, POST confirms', () => {
  it('a scanner opening the link leaves the subscriber pending; the person’s press confirms exactly once', async () => {
    const address = 'scanned.reader@example.com'
    await subscribe(address)
    const link = await nthConfirmLink(address, 1)
    const before = await row(address)
    expect(before.status).toBe('pending')

    for (let scan = 0; scan < 2; scan++) {
      const opened = await confirmRoute.GET(new Request(link, { headers: SCANNER }))
      expect(opened.status).toBe(200)
      expect(opened.headers.get('content-type')).toMatch(/^text\/html/)
      const page = await opened.text()
      expect(page).toMatch(/<h1>Confirm your subscription<\/h1>/)
      expect(page).not.toMatch(/<script/i)
      // One plain form, posting to the same link; one button.
      const form = confirmFormIn(page, link)
      expect(form).toEqual({ action: link, button: 'Confirm my subscription' })
      expect(page.match(/<button/g)).toHaveLength(1)
    }
    const afterScans = await row(address)
    expect(afterScans.status).toBe('pending')
    expect(afterScans.confirmedAt).toBeFalsy()
    expect(afterScans.confirmationNonce).toBe(before.confirmationNonce)
    expect(afterScans.updatedAt).toBe(before.updatedAt)

    const confirmed = await post(link)
    expect(confirmed.status).toBe(200)
    const page = await confirmed.text()
    expect(page).toMatch(/<h1>You are subscribed<\/h1>/)
    expect(page).not.toMatch(/already confirmed/)
    expect((await row(address)).status).toBe('confirmed')
    const confirmedAt = (await row(address)).confirmedAt

    // Pressed again (or the page reloaded): a friendly 200, nothing changes, no second welcome.
    const again = await post(link)
    expect(again.status).toBe(200)
    expect(await again.text()).toMatch(/already confirmed/)
    const reopened = await confirmRoute.GET(new Request(link))
    expect(reopened.status).toBe(200)
    expect(await reopened.text()).toMatch(/already confirmed/)
    await outgoingMailSettled()
    expect(welcomes(address)).toHaveLength(1)
    expect((await row(address)).confirmedAt).toBe(confirmedAt)
  })

  it('two presses at once (a double click) confirm once and send one welcome email', async () => {
    const address = 'double.click@example.com'
    await subscribe(address)
    const link = await nthConfirmLink(address, 1)
    const answers = await Promise.all([post(link), post(link)])
    expect(answers.map((answer) => answer.status)).toEqual([200, 200])
    const pages = await Promise.all(answers.map((answer) => answer.text()))
    expect(pages.filter((page) => /already confirmed/.test(page))).toHaveLength(1)
    await outgoingMailSettled()
    expect(welcomes(address)).toHaveLength(1)
  })
})

describe('every unexpired link of a pending signup confirms', () => {
  it('signed up twice: the first email’s link confirms, and the second then shows "already confirmed"', async () => {
    const address = 'slow.inbox@example.com'
    await subscribe(address)
    const first = await nthConfirmLink(address, 1)
    await subscribe(address)
    const second = await nthConfirmLink(address, 2)
    expect(second).not.toBe(first)
    expect((await row(address)).status).toBe('pending')

    const confirmed = await openAndConfirm(confirmRoute, first)
    expect(confirmed.status).toBe(200)
    expect(await confirmed.text()).toMatch(/<h1>You are subscribed<\/h1>/)
    expect((await row(address)).status).toBe('confirmed')

    const secondOpened = await confirmRoute.GET(new Request(second))
    expect(secondOpened.status).toBe(200)
    expect(await secondOpened.text()).toMatch(/already confirmed/)
    const secondPressed = await post(second)
    expect(secondPressed.status).toBe(200)
    expect(await secondPressed.text()).toMatch(/already confirmed/)
    await outgoingMailSettled()
    expect(welcomes(address)).toHaveLength(1)
  })

  it('signed up twice, the second email’s link confirms too', async () => {
    const address = 'either.link@example.com'
    await subscribe(address)
    await nthConfirmLink(address, 1)
    await subscribe(address)
    const second = await nthConfirmLink(address, 2)
    expect((await openAndConfirm(confirmRoute, second)).status).toBe(200)
    expect((await row(address)).status).toBe('confirmed')
  })

  it('an expired link is refused (410, no button, nothing changes) while a newer email’s link still confirms', async () => {
    const address = 'late.reader@example.com'
    await subscribe(address)
    const stored = await row(address)
    // The same signup's link as it was sent 8 days ago (links last 7 days from their email).
    const expired = links.confirmUrl(stored, stored.confirmationNonce!, Date.now() - 8 * 24 * 60 * 60 * 1000)
    for (const answer of [await confirmRoute.GET(new Request(expired)), await post(expired)]) {
      expect(answer.status).toBe(410)
      const page = await answer.text()
      expect(page).toMatch(/<h1>This link has expired<\/h1>/)
      expect(page).not.toMatch(/<form/)
    }
    expect((await row(address)).status).toBe('pending')
    expect((await openAndConfirm(confirmRoute, await nthConfirmLink(address, 1))).status).toBe(200)
    expect((await row(address)).status).toBe('confirmed')
  })
})

describe('a link of a signup that has ended never confirms', () => {
  it('unsubscribed while pending: the link is refused, and it cannot confirm the next signup either', async () => {
    const address = 'changed.mind@example.com'
    await subscribe(address)
    const oldLink = await nthConfirmLink(address, 1)
    const oneClick = await unsubscribeRoute.POST(new Request(links.unsubscribeUrl(await row(address)), { method: 'POST', headers: FORM, body: 'List-Unsubscribe=One-Click' }))
    expect(oneClick.status).toBe(200)
    expect((await row(address)).status).toBe('unsubscribed')

    for (const answer of [await confirmRoute.GET(new Request(oldLink)), await post(oldLink)]) {
      expect(answer.status).toBe(410)
      expect(await answer.text()).not.toMatch(/<form method="post" action="\/email\/confirm/)
    }
    expect((await row(address)).status).toBe('unsubscribed')

    // Signing up again starts a new signup: only its own link confirms it.
    await subscribe(address)
    const newLink = await nthConfirmLink(address, 2)
    expect((await post(oldLink)).status).toBe(410)
    expect((await row(address)).status).toBe('pending')
    expect((await openAndConfirm(confirmRoute, newLink)).status).toBe(200)
    expect((await row(address)).status).toBe('confirmed')
  })

  it('erased: the link answers 410 and never confirms whoever gets the id next', async () => {
    const address = 'erased.pending@example.com'
    await subscribe(address)
    const oldLink = await nthConfirmLink(address, 1)
    const erased = await row(address)
    await ctx.payload.delete({ collection: 'subscribers', id: erased.id, overrideAccess: true })

    // The next signup gets the erased row's id back (SQLite rowid reuse).
    await subscribe('next.in.line@example.com')
    const next = await row('next.in.line@example.com')
    expect(next.id).toBe(erased.id)
    for (const answer of [await confirmRoute.GET(new Request(oldLink)), await post(oldLink)]) {
      expect(answer.status).toBe(410)
      expect(await answer.text()).not.toContain('next.in.line@example.com')
    }
    expect((await row('next.in.line@example.com')).status).toBe('pending')
  })
})
