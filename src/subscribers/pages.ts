import type { Clinic } from '../../payload-types'

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

/**
 * Subscriber pages: plain server-rendered HTML, no JavaScript, one small inline stylesheet,
 * readable on a phone, in the clinic's calm teal.
 */
export const renderPage = ({ clinic, title, body, status = 200 }: { clinic: Partial<Clinic> | null; title: string; body: string; status?: number }) =>
  new Response(
    `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · ${escapeHtml(clinic?.name || 'Stevenson Clinic')}</title>
<style>
  :root { color-scheme: light; }
  body { margin: 0; font: 17px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2b2f; background: #f3f7f6; }
  header { background: #0f4c5c; color: #fff; padding: 1.25rem 1rem; }
  header p { margin: 0; font-weight: 600; }
  header small { opacity: .85; }
  main { max-width: 36rem; margin: 2rem auto; background: #fff; border-radius: 12px; padding: 1.5rem 1.25rem; box-shadow: 0 1px 3px rgb(0 0 0 / .08); }
  h1 { font-size: 1.5rem; margin-top: 0; color: #0f4c5c; }
  a { color: #0f4c5c; }
  label { display: block; font-weight: 600; margin: 1rem 0 .35rem; }
  input[type=text] { width: 100%; box-sizing: border-box; padding: .6rem; font: inherit; border: 1px solid #8aa; border-radius: 8px; }
  fieldset { border: 1px solid #cdd; border-radius: 8px; margin: 1rem 0; padding: .5rem 1rem; }
  fieldset label { font-weight: 400; margin: .35rem 0; }
  button { font: inherit; padding: .7rem 1.2rem; border-radius: 8px; border: 0; background: #0f4c5c; color: #fff; cursor: pointer; margin-top: 1rem; }
  button.secondary { background: #fff; color: #8a1c1c; border: 1px solid #8a1c1c; }
  :focus-visible { outline: 3px solid #e9c46a; outline-offset: 2px; }
  @media (max-width: 40rem) { main { margin: 1rem; } }
  footer { max-width: 36rem; margin: 0 auto 2rem; padding: 0 1rem; font-size: .85rem; color: #4a5a5e; }
</style>
</head>
<body>
<header><p>${escapeHtml(clinic?.name || 'Stevenson Therapeutic Medical Massage and Facials')}</p>${clinic?.tagline ? `<small>${escapeHtml(clinic.tagline)}</small>` : ''}</header>
<main id="main">
<h1>${escapeHtml(title)}</h1>
${body}
</main>
<footer>${clinic?.medicalDisclaimer ? `<p>${escapeHtml(clinic.medicalDisclaimer)}</p>` : ''}</footer>
</body>
</html>`,
    { status, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'private, no-store', 'Referrer-Policy': 'no-referrer' } },
  )

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
