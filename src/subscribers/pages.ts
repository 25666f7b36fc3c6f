import type { Clinic } from '../../payload-types'
import { getSiteUrl } from '../utilities/siteUrl'

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!)

export const html = (strings: TemplateStringsArray, ...values: unknown[]) =>
  strings.reduce((out, part, index) => {
    const value = values[index - 1]
    const rendered = value instanceof SafeHtml ? value.value : Array.isArray(value) ? value.map((item) => (item instanceof SafeHtml ? item.value : escapeHtml(String(item)))).join('') : escapeHtml(String(value ?? ''))
    return out + rendered + part
  })

/** Marks already-escaped markup so `html` does not escape it twice. */
export class SafeHtml {
  constructor(readonly value: string) {}
}
export const safe = (value: string) => new SafeHtml(value)

/** The website's address as a person reads it in a link: the host, without `www.`. */
const siteLabel = (siteUrl: string) => {
  try {
    return new URL(siteUrl).host.replace(/^www\./, '')
  } catch {
    return siteUrl
  }
}

/**
 * Subscriber pages: plain server-rendered HTML, no JavaScript, one small inline stylesheet,
 * readable on a phone, in the clinic's calm teal. Every page links back to the clinic's
 * website (`SITE_URL`). Every control is at least 44 × 44 CSS px (a checkbox's target is its
 * whole label row), WCAG 2.5.5's size for touch.
 */
export const renderPage = ({ clinic, title, body, status = 200, headers = {} }: { clinic: Partial<Clinic> | null; title: string; body: string; status?: number; headers?: Record<string, string> }) => {
  const siteUrl = getSiteUrl()
  const clinicName = clinic?.name || 'Stevenson Therapeutic Medical Massage and Facials'
  return new Response(
    `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · ${escapeHtml(clinic?.name || 'Stevenson Clinic')}</title>
<link rel="icon" href="/favicon.ico" sizes="any">
<style>
  :root { color-scheme: light; }
  body { margin: 0; font: 17px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2b2f; background: #f3f7f6; }
  header { background: #0f4c5c; color: #fff; padding: .5rem 1rem; }
  header a { color: #fff; font-weight: 600; text-decoration: none; display: inline-flex; align-items: center; min-height: 44px; }
  header a:hover { text-decoration: underline; }
  header small { display: block; opacity: .85; padding-bottom: .5rem; }
  main { max-width: 36rem; margin: 2rem auto; background: #fff; border-radius: 12px; padding: 1.5rem 1.25rem; box-shadow: 0 1px 3px rgb(0 0 0 / .08); }
  h1 { font-size: 1.5rem; margin-top: 0; color: #0f4c5c; }
  a { color: #0f4c5c; }
  label { display: block; font-weight: 600; margin: 1rem 0 .35rem; }
  input[type=text], input[type=email] { width: 100%; min-height: 44px; box-sizing: border-box; padding: .6rem; font: inherit; border: 1px solid #8aa; border-radius: 8px; }
  fieldset { border: 1px solid #cdd; border-radius: 8px; margin: 1rem 0; padding: .5rem 1rem; }
  legend { font-weight: 600; padding: 0 .25rem; }
  fieldset label { display: flex; align-items: center; gap: .75rem; min-height: 44px; margin: 0; font-weight: 400; cursor: pointer; }
  fieldset label input { flex: none; width: 1.5rem; height: 1.5rem; margin: 0; accent-color: #0f4c5c; }
  fieldset fieldset { border: 0; margin: 0 0 0 2.25rem; padding: 0; }
  fieldset:has(input[value=all]:checked) .topic-list { opacity: .55; }
  button { font: inherit; min-height: 44px; min-width: 44px; padding: .7rem 1.2rem; border-radius: 8px; border: 0; background: #0f4c5c; color: #fff; cursor: pointer; margin-top: 1rem; }
  button.secondary { background: #fff; color: #8a1c1c; border: 1px solid #8a1c1c; }
  .notice { border-left: 4px solid #0f4c5c; padding: .25rem .75rem; background: #eef6f5; }
  .error { border-left-color: #8a1c1c; background: #fbeeee; }
  :focus-visible { outline: 3px solid #e9c46a; outline-offset: 2px; }
  @media (max-width: 40rem) { main { margin: 1rem; } button { width: 100%; } }
  footer { max-width: 36rem; margin: 0 auto 2rem; padding: 0 1rem; font-size: .85rem; color: #4a5a5e; }
  footer a { display: inline-flex; align-items: center; min-height: 44px; font-size: 1rem; }
</style>
</head>
<body>
<header><a href="${escapeHtml(siteUrl)}">${escapeHtml(clinicName)}</a>${clinic?.tagline ? `<small>${escapeHtml(clinic.tagline)}</small>` : ''}</header>
<main id="main">
<h1>${escapeHtml(title)}</h1>
${body}
</main>
<footer><a href="${escapeHtml(siteUrl)}">Visit our website: ${escapeHtml(siteLabel(siteUrl))}</a>${clinic?.medicalDisclaimer ? `<p>${escapeHtml(clinic.medicalDisclaimer)}</p>` : ''}</footer>
</body>
</html>`,
    { status, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'private, no-store', 'Referrer-Policy': 'no-referrer', ...headers } },
  )
}

/**
 * A manage link that is genuine but whose subscriber was erased (410): it says nothing
 * about who, if anyone, is subscribed now.
 */
export const goneLinkPage = (clinic: Partial<Clinic> | null) =>
  renderPage({
    clinic,
    status: 410,
    title: 'This link no longer works',
    body: html`<p>The subscription this link was for has been removed, so there is nothing to change. If you would like our emails, please sign up again.</p>`,
  })

/**
 * "Subscribe again" for someone who unsubscribed: a signup for their own address through
 * `POST /api/subscribe`, the one signup path (same rules, same rate limits). It only sends
 * a new confirmation link: nothing changes until they click it, as for any signup.
 */
export const resubscribeForm = (email: string) =>
  safe(html`<form method="post" action="/api/subscribe">
<input type="hidden" name="email" value="${email}">
<input type="hidden" name="source" value="resubscribe">
<p>Unsubscribed by mistake? We will email <strong>${email}</strong> a new confirmation link; our emails start again once you click it.</p>
<button type="submit">Subscribe again</button>
</form>`)
