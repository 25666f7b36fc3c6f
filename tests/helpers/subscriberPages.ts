import http from 'node:http'
import type { AddressInfo } from 'node:net'

import type { Page } from 'playwright-core'
import { expect } from 'vitest'

import type { ReceivedMail } from './smtpSink'
import { waitFor } from './waitFor'

/** Quoted-printable soft breaks and =3D undone, headers unfolded, so links can be read out of the raw message. */
export const decodedMail = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=').replace(/\r?\n[ \t]+/g, ' ')

/** The first `route?token=…` link in a message. */
export const linkIn = (raw: string, route: string) => {
  const match = new RegExp(`https?://[^"\\s<>]+${route}\\?token=[A-Za-z0-9_.-]+`).exec(decodedMail(raw))
  if (!match) throw new Error(`no ${route} link in:\n${raw.slice(0, 2000)}`)
  return match[0].replace(/&amp;/g, '&')
}

/** Waits for a message to `address` matching `pattern` at the sink (`log` explains a timeout). */
export const waitForMailMatching = (messages: ReceivedMail[], address: string, pattern: RegExp, log: () => string = () => '') =>
  waitFor(`an email matching ${pattern} for ${address}`, () => mailsTo(messages, address).find((mail) => pattern.test(decodedMail(mail.raw))), {
    timeoutMs: 15_000,
    explain: () => `server log:\n${log().slice(-3000)}`,
  })

/** Messages the sink received for `address` (addresses compared without case). */
export const mailsTo = (messages: ReceivedMail[], address: string) =>
  messages.filter((mail) => mail.to.some((to) => to.toLowerCase() === address.toLowerCase()))

/** The first `count` messages to `address`, once there are that many. */
export const waitForMails = (messages: ReceivedMail[], address: string, count = 1) =>
  waitFor(`${count} email(s) for ${address}`, () => {
    const found = mailsTo(messages, address)
    return found.length >= count && found
  }, 15_000)

/** Every subscriber page links back to the website (SITE_URL), in the header and the footer. */
export const expectSiteLinks = async (page: Page, siteUrl: string) => {
  expect(await page.locator('header a').getAttribute('href')).toBe(siteUrl)
  expect(await page.getByRole('link', { name: /Visit our website/ }).getAttribute('href')).toBe(siteUrl)
}

/** Every element `selector` matches is at least 44 × 44 CSS px (WCAG 2.5.5's touch target) and fits a 375 px screen. */
export const expectTouchTargets = async (page: Page, selector: string) => {
  const targets = page.locator(selector)
  const count = await targets.count()
  expect(count, selector).toBeGreaterThan(0)
  for (let i = 0; i < count; i++) {
    const box = await targets.nth(i).boundingBox()
    expect(box, `${selector} #${i}`).not.toBeNull()
    expect(box!.height, `${selector} #${i} height`).toBeGreaterThanOrEqual(44)
    expect(box!.width, `${selector} #${i} width`).toBeGreaterThanOrEqual(44)
    expect(box!.x + box!.width, `${selector} #${i} fits 375 px`).toBeLessThanOrEqual(375)
  }
}

/**
 * A stand-in for the clinic's website, on its own origin: a home page, a thank-you page and a
 * newsletter signup form without any JavaScript that posts to `signupUrl()`.
 */
export const startClinicWebsite = async (signupUrl: () => string) => {
  const site = http.createServer((req, res) => {
    const page = (body: string) =>
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Website</title></head><body>${body}</body></html>`)
    if (req.url === '/') return page('<h1>Stevenson Clinic website</h1>')
    if (req.url?.startsWith('/thank-you')) return page('<h1>Thanks for signing up</h1><p>Please check your inbox.</p>')
    if (req.url === '/newsletter') {
      return page(`<h1>Our newsletter</h1>
<form method="post" action="${signupUrl()}">
<label>Email <input type="email" name="email" required></label>
<label>Name <input type="text" name="name"></label>
<label><input type="checkbox" name="topics" value="sciatica"> Sciatica</label>
<label><input type="checkbox" name="topics" value="low-back-pain"> Low back pain</label>
<input type="hidden" name="source" value="website-form">
<input type="text" name="website" value="" tabindex="-1" autocomplete="off" style="position:absolute;left:-9999px" aria-hidden="true">
<button type="submit">Sign me up</button>
</form>`)
    }
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(site.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => site.close(() => resolve())),
  }
}

type ConfirmRoute = { GET: (request: Request) => Promise<Response>; POST: (request: Request) => Promise<Response> }

/** The confirm page's one form, as a browser would submit it: its action (absolute, from `link`) and its button's label. */
export const confirmFormIn = (page: string, link: string) => {
  const forms = [...page.matchAll(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)]
  if (forms.length !== 1) throw new Error(`expected exactly one form on the confirm page, found ${forms.length}:\n${page}`)
  const [, action, inner] = forms[0]
  return { action: new URL(action.replace(/&amp;/g, '&'), link).href, button: /<button type="submit">([^<]*)<\/button>/.exec(inner)?.[1] }
}

/**
 * What a person does with a confirm link: open it (GET, which changes nothing), then press
 * "Confirm my subscription" (the form's POST). Returns the POST's answer.
 */
export const openAndConfirm = async (route: ConfirmRoute, link: string) => {
  const opened = await route.GET(new Request(link))
  const page = await opened.text()
  expect(opened.status, page).toBe(200)
  const { action, button } = confirmFormIn(page, link)
  expect(button).toBe('Confirm my subscription')
  return route.POST(new Request(action, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: '' }))
}
