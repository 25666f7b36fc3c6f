import type { Payload } from 'payload'

import { html, renderPage, safe } from './pages'

/**
 * How `POST /api/subscribe` answers a plain HTML form (a website's signup form without
 * JavaScript): a page in the look of the other subscriber pages, or, with
 * `SUBSCRIBE_THANK_YOU_URL`, a `303 See Other` to the website's own thank-you page.
 */

let warnedAbout: string | undefined

/**
 * `SUBSCRIBE_THANK_YOU_URL`, when it is an absolute http(s) URL. Only ever this fixed
 * address, never one the request names, so the endpoint cannot be used as an open redirect.
 */
export const thankYouUrl = (payload: Payload): string | undefined => {
  const value = process.env.SUBSCRIBE_THANK_YOU_URL?.trim()
  if (!value) return undefined
  try {
    const url = new URL(value)
    if (url.protocol === 'https:' || url.protocol === 'http:') return url.href
  } catch {
    // reported below
  }
  if (warnedAbout !== value) {
    warnedAbout = value
    payload.logger.warn(`SUBSCRIBE_THANK_YOU_URL="${value}" is not an absolute http(s) URL: signup forms get the built-in "Check your inbox" page instead.`)
  }
  return undefined
}

const clinicOf = (payload: Payload) => payload.findGlobal({ slug: 'clinic', depth: 0, overrideAccess: true }).catch(() => null)

/** The same page for every address (new, pending, confirmed, unsubscribed): it says nothing about who is subscribed. */
export const checkInboxPage = async (payload: Payload, email?: string) =>
  renderPage({
    clinic: await clinicOf(payload),
    status: 202,
    title: 'Check your inbox',
    body: html`<p>Thank you! If ${email ? safe(html`<strong>${email}</strong>`) : 'this address'} can receive our emails, a confirmation link is on its way.</p>
<p>Click the link in that email within 7 days to start receiving our articles and news; until you do, we send you nothing else. No email? Check your spam folder, or sign up again.</p>`,
  })

const TITLES: Record<number, string> = {
  400: 'Please check the form',
  413: 'The form is too large',
  429: 'Too many attempts',
  503: 'Please try again in a minute',
}

/** A refused signup: the same message the JSON answer carries, the same status. */
export const signupProblemPage = async (payload: Payload, status: number, message: string, headers: Record<string, string> = {}) =>
  renderPage({
    clinic: await clinicOf(payload),
    status,
    headers,
    title: TITLES[status] ?? 'We could not sign you up',
    body: html`<p role="alert" class="notice error"><strong>${message}</strong></p>
<p>Nothing was saved. Please go back to the form${status === 400 ? ', correct it' : ''} and try again.</p>`,
  })
