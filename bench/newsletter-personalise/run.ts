/**
 * Cost per recipient of a newsletter's personalisation, against the baseline it replaces
 * (fill tokens with a regex, then make the text part with html-to-text, per recipient),
 * measured in the same run on the same compiled ~50 KB newsletter. No database.
 *
 *   NODE_OPTIONS=--conditions=production npx tsx bench/newsletter-personalise/run.ts
 */
import { compileNewsletterSource, personaliseNewsletter } from '../../emails/newsletters/compile'
import { htmlToPlainText, mjmlCompileCount, personalise } from '../../emails/render'
import { newsletter } from '../../emails/templates/newsletter'
import { machineInfo } from '../lib/machine'

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS || 10_000)
const BASELINE_RECIPIENTS = Number(process.env.BENCH_BASELINE_RECIPIENTS || 300)

const clinic = {
  name: 'Stevenson Therapeutic Medical Massage and Facials',
  tagline: 'Medical massage, tailored to your recovery',
  mailingAddress: '123 Example Street, Suite 100\nSpringfield, IL 62701',
  medicalDisclaimer: 'General education, not medical advice.',
}
const paragraph = `<p style="margin:0 0 16px;">${'Massage can ease muscle tension and support recovery after injury. '.repeat(10)}</p>`
const articles = Array.from({ length: 6 }, (_, i) => ({
  title: `Article ${i + 1}: easing pain with medical massage`,
  excerpt: 'What to expect from a session, how long relief lasts, and when to see your doctor first. '.repeat(2),
  url: `https://www.clinic.test/articles/article-${i + 1}`,
  image: { src: `https://cms.clinic.test/api/media/file/article-${i + 1}-768x512.jpg`, alt: `Illustration ${i + 1}` },
}))
const recipient = (i: number) => ({
  name: `Reader ${i} & family`,
  unsubscribeUrl: `https://cms.clinic.test/email/unsubscribe?token=eyJwIjoibWFuYWdlIn0.${i}&x=1`,
  preferencesUrl: `https://cms.clinic.test/email/preferences?token=eyJwIjoibWFuYWdlIn0.${i}`,
})

const source = newsletter(clinic, { subject: 'This month at the clinic', preheader: 'Six reads', introHtml: paragraph.repeat(16), articles })
const compileStart = performance.now()
const compiled = await compileNewsletterSource(source)
const compileMs = performance.now() - compileStart

// Warm both paths before timing.
for (let i = 0; i < 200; i++) personaliseNewsletter(compiled, recipient(i))
for (let i = 0; i < 20; i++) htmlToPlainText(personalise(compiled.html, recipient(i)))

let start = performance.now()
for (let i = 0; i < RECIPIENTS; i++) personaliseNewsletter(compiled, recipient(i))
const perRecipientMs = (performance.now() - start) / RECIPIENTS

start = performance.now()
for (let i = 0; i < BASELINE_RECIPIENTS; i++) htmlToPlainText(personalise(compiled.html, recipient(i)))
const baselineMs = (performance.now() - start) / BASELINE_RECIPIENTS

const result = {
  machine: machineInfo(),
  compiledHtmlKiB: Number((compiled.html.length / 1024).toFixed(1)),
  mjmlCompiles: mjmlCompileCount(),
  compileMs: Number(compileMs.toFixed(1)),
  personaliseNewsletter: { recipients: RECIPIENTS, microsPerRecipient: Number((perRecipientMs * 1000).toFixed(2)), perSecond: Math.round(1000 / perRecipientMs) },
  baselineRegexPlusHtmlToText: { recipients: BASELINE_RECIPIENTS, microsPerRecipient: Number((baselineMs * 1000).toFixed(0)), perSecond: Math.round(1000 / baselineMs) },
  speedup: Number((baselineMs / perRecipientMs).toFixed(0)),
}
console.log(JSON.stringify(result, null, 2))
console.log(
  `personaliseNewsletter ${result.personaliseNewsletter.microsPerRecipient} µs/recipient vs ${result.baselineRegexPlusHtmlToText.microsPerRecipient} µs baseline: ${result.speedup}× (MJML compiled ${result.mjmlCompiles}×, ${result.compileMs} ms)`,
)
