import type { Payload, PayloadRequest } from 'payload'
import { withClinicDefaults } from '../templates/clinicDefaults'

import type { Article, Clinic, Media, Newsletter } from '../../payload-types'
import { absoluteMediaUrl, articleUrl, DEFAULT_FRONT_END_PATTERNS, frontEndPatternsOf, getSiteUrl, type FrontEndPatterns } from '../../src/utilities/siteUrl'
import { encodeQuotedPrintable, wrapQuotedPrintable } from '../../src/seams/nodemailer'
import { getServerUrl } from '../../src/utilities/serverUrl'
import { escapeHtml } from '../escapeHtml'
import type { EncodedPart } from '../transport'
import { compileOnce, htmlToPlainText, mjmlHash } from '../render'
import { article } from '../templates/article'
import { digest } from '../templates/digest'
import { newsletter as standardNewsletter } from '../templates/newsletter'
import type { EmailArticle, EmailSource, NewsletterEmailTemplate } from '../templates/types'
import { collectLexicalReferences, hasLexicalContent, lexicalToEmailHtml, type EmailUpload } from './lexicalToEmailHtml'

/**
 * A newsletter, from its document to the HTML and text every recipient gets.
 *
 * Contract with the sending pipeline (jobs/newsletters): `compileNewsletter` once per
 * send (it loads what it needs and compiles the MJML once, through the render cache),
 * then `personaliseNewsletterParts` per recipient (`personaliseNewsletter` for previews and
 * tests), which is string concatenation only.
 */

export type CompiledNewsletter = {
  subject: string
  /** Compiled HTML, still holding `{{name}}`, `{{unsubscribeUrl}}`, `{{preferencesUrl}}`. */
  html: string
  /** The text/plain part made once from `html`, holding the same tokens. */
  text: string
  /** sha256 of the MJML source: equal hashes mean byte-identical emails before personalisation. */
  hash: string
  /** The clinic's name, for the List-Id (emails/headers.ts); set by `compileNewsletter`. */
  clinicName?: string
}

export type NewsletterRecipient = { name?: string | null; unsubscribeUrl: string; preferencesUrl: string }

/** Templates by the newsletter's `template` value. Exported so a test can prove a broken one is refused on save. */
export const newsletterTemplates: Record<Newsletter['template'], NewsletterEmailTemplate> = {
  newsletter: standardNewsletter,
  article,
  digest,
}

/** The only tokens a newsletter may hold; anything else in compiled HTML is a template bug. */
export const NEWSLETTER_TOKENS = ['name', 'unsubscribeUrl', 'preferencesUrl'] as const
type TokenName = (typeof NEWSLETTER_TOKENS)[number]

/**
 * Featured articles a newsletter may show (the digest trims itself instead): each card is about
 * 4 KB of HTML, and 12 keep the email well under MAX_EMAIL_HTML_BYTES.
 */
export const MAX_FEATURED_ARTICLES = 12

/**
 * Gmail clips a message whose HTML passes ~102 KB ("[Message clipped] View entire message"),
 * and what it cuts first is the footer with the unsubscribe link. 90 KB leaves room for long
 * names and links. The preview and the test send warn above it; a digest never exceeds it.
 */
export const MAX_EMAIL_HTML_BYTES = 90 * 1024

/** What the owner is told about an email's size (preview, test send). */
export const htmlSizeReport = (html: string) => {
  const htmlBytes = Buffer.byteLength(html)
  const kb = (htmlBytes / 1024).toFixed(1)
  return {
    htmlBytes,
    htmlSizeWarning:
      htmlBytes > MAX_EMAIL_HTML_BYTES
        ? `The email's HTML is ${kb} KB, over ${MAX_EMAIL_HTML_BYTES / 1024} KB: Gmail clips it (from ~102 KB) and hides the unsubscribe link. Feature fewer articles or shorten the intro.`
        : undefined,
  }
}

/** Where a newsletter's public web copy is read (src/app/(subscribers)/email/newsletters/[id]). */
export const webVersionUrl = (id: string | number) => `${getServerUrl()}/email/newsletters/${encodeURIComponent(String(id))}`

/** Greeting used when a subscriber gave no name ("Hi there,"). */
export const ANONYMOUS_NAME = 'there'

const idOf = (value: unknown): string | number | undefined => {
  if (value === null || value === undefined) return undefined
  if (typeof value === 'object') return (value as { id?: string | number }).id
  return value as string | number
}

type LoadOptions = {
  req?: PayloadRequest
  /** Build the public web copy (emails/newsletters/webVersion.ts) rather than the email. */
  web?: boolean
  /** Show only the first this many articles (a digest trimmed to size); the rest become a "more on the site" link. */ maxArticles?: number }

/**
 * The featured articles that are published now, in the newsletter's order, with what a
 * card needs. Read with `overrideAccess` (the worker has no user), so the filter on
 * `_status: published` is what keeps a draft out of an email: `draft: false` reads the
 * published document even when a newer draft exists.
 */
export const loadPublishedArticles = async (
  payload: Payload,
  ids: Array<string | number>,
  { req }: LoadOptions = {},
): Promise<Article[]> => {
  if (!ids.length) return []
  const { docs } = await payload.find({
    collection: 'articles',
    where: { and: [{ id: { in: ids } }, { _status: { equals: 'published' } }] },
    select: { title: true, slug: true, excerpt: true, heroImage: true, publishedAt: true, _status: true },
    depth: 1,
    draft: false,
    overrideAccess: true,
    pagination: false,
    limit: ids.length,
    req,
  })
  const byId = new Map(docs.map((doc) => [String(doc.id), doc as Article]))
  return ids.map((id) => byId.get(String(id))).filter((doc): doc is Article => Boolean(doc))
}

const mediaImage = (media: Media | number | null | undefined, fallbackAlt: string): EmailArticle['image'] => {
  if (!media || typeof media !== 'object') return null
  // The hero crop (1920×800, cut around the focal point): the full width of the picture, so text
  // in it (the seed's captions) survives; the 3:2 card crop cut its sides.
  const src = absoluteMediaUrl(media.sizes?.hero?.url || media.sizes?.card?.url || media.url)
  return src ? { src, alt: media.alt || fallbackAlt } : null
}

/** `patterns`: the clinic global's front-end paths (an article's link is SITE_URL + its path). */
export const toEmailArticle = (doc: Article, patterns: FrontEndPatterns = DEFAULT_FRONT_END_PATTERNS): EmailArticle => ({
  title: doc.title,
  excerpt: doc.excerpt,
  url: articleUrl(doc.slug, patterns),
  publishedAt: doc.publishedAt,
  image: mediaImage(doc.heroImage, doc.title),
})

/** Media and article slugs that the intro refers to by id (a document read at depth 0). */
const loadIntroReferences = async (payload: Payload, intro: unknown, { req }: LoadOptions) => {
  const { uploadIds, articleIds } = collectLexicalReferences(intro)
  const uploads = new Map<string, EmailUpload>()
  const articleSlugs = new Map<string, string>()
  if (uploadIds.length) {
    const { docs } = await payload.find({
      collection: 'media',
      where: { id: { in: uploadIds } },
      depth: 0,
      overrideAccess: true,
      pagination: false,
      limit: uploadIds.length,
      req,
    })
    for (const doc of docs) uploads.set(String(doc.id), { ...doc, url: doc.url ?? '', alt: doc.alt })
  }
  if (articleIds.length) {
    // Published only: a link to a draft would show readers a 404 and leak its slug.
    for (const doc of await loadPublishedArticles(payload, articleIds, { req })) articleSlugs.set(String(doc.id), doc.slug ?? '')
  }
  return { uploads, articleSlugs }
}

export type NewsletterSource = EmailSource & {
  clinic: Clinic
  /** The featured articles that will be shown (published ones, in order). */
  articles: Article[]
  /** Featured articles left out because they are not published (or no longer exist). */
  unpublishedArticleIds: Array<string | number>
  hasIntro: boolean
}

/**
 * Everything the email says, as MJML (not yet compiled). Separate from compiling so the
 * save-time validation and the preview share it.
 */
export const buildNewsletterSource = async (
  payload: Payload,
  newsletter: Pick<Newsletter, 'subject' | 'preheader' | 'intro' | 'featuredArticles' | 'template' | 'digestSince'> & Partial<Pick<Newsletter, 'id' | 'webVersion'>>,
  options: LoadOptions = {},
): Promise<NewsletterSource> => {
  const template = newsletterTemplates[newsletter.template ?? 'newsletter']
  if (!template) throw new Error(`Unknown newsletter template "${String(newsletter.template)}".`)
  const ids = (newsletter.featuredArticles ?? []).map(idOf).filter((id): id is string | number => id !== undefined)
  const [clinic, articles, references] = await Promise.all([
    payload.findGlobal({ slug: 'clinic', depth: 0, overrideAccess: true, req: options.req }).then(withClinicDefaults),
    loadPublishedArticles(payload, ids, options),
    loadIntroReferences(payload, newsletter.intro, options),
  ])
  const shown = new Set(articles.map((doc) => String(doc.id)))
  const listed = options.maxArticles !== undefined ? articles.slice(0, Math.max(1, options.maxArticles)) : articles
  const patterns = frontEndPatternsOf(clinic)
  const source = template(clinic, {
    subject: newsletter.subject ?? '',
    preheader: newsletter.preheader,
    introHtml: lexicalToEmailHtml(newsletter.intro, { ...references, patterns }),
    articles: listed.map((doc) => toEmailArticle(doc, patterns)),
    since: newsletter.digestSince,
    timeZone: clinic.timezone,
    // A saved newsletter with a web copy links it; an unsaved preview has no address yet.
    ...(options.web ? { web: true } : newsletter.id !== undefined && newsletter.webVersion !== false ? { webVersionUrl: webVersionUrl(newsletter.id) } : {}),
    ...(listed.length < articles.length ? { more: { count: articles.length - listed.length, total: articles.length, url: `${getSiteUrl()}/articles` } } : {}),
  })
  return {
    ...source,
    clinic,
    articles,
    unpublishedArticleIds: ids.filter((id) => !shown.has(String(id))),
    hasIntro: hasLexicalContent(newsletter.intro),
  }
}

// Private-use characters: html-to-text keeps them as they are, and no CMS text can
// contain a `{{` that survives escaping, so these mark exactly the template's tokens.
const OPEN = '\uE000'
const CLOSE = '\uE001'
const TOKEN_IN_HTML = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g
const TOKEN_IN_MARKED_TEXT = new RegExp(`${OPEN}([A-Za-z][A-Za-z0-9_]*)${CLOSE}`, 'g')

/** A compiled part split at its tokens: literals[0] token[0] literals[1] … literals[n]. */
type Segments = { literals: string[]; tokens: TokenName[] }

const isTokenName = (name: string): name is TokenName => (NEWSLETTER_TOKENS as readonly string[]).includes(name)

/** `lenient`: a name that is not a token stays as it is (braces typed in the CMS, in a text part). */
const split = (source: string, pattern: RegExp, { lenient = false } = {}): Segments => {
  const literals: string[] = []
  const tokens: TokenName[] = []
  let last = 0
  for (const match of source.matchAll(pattern)) {
    const name = match[1]!
    if (!isTokenName(name)) {
      if (lenient) continue
      throw new Error(`Newsletter template uses an unknown token {{${name}}}; allowed: ${NEWSLETTER_TOKENS.map((t) => `{{${t}}}`).join(', ')}.`)
    }
    literals.push(source.slice(last, match.index))
    tokens.push(name)
    last = match.index! + match[0].length
  }
  literals.push(source.slice(last))
  return { literals, tokens }
}

const join = (segments: Segments, values: Record<TokenName, string>): string => {
  const { literals, tokens } = segments
  let out = literals[0]!
  for (let i = 0; i < tokens.length; i++) out += values[tokens[i]!] + literals[i + 1]!
  return out
}

const joinWithTokens = (segments: Segments) =>
  join(segments, { name: '{{name}}', unsubscribeUrl: '{{unsubscribeUrl}}', preferencesUrl: '{{preferencesUrl}}' })

/** Pre-split parts of each compiled newsletter, so personalising never scans the HTML again. */
const segmentsOf = new WeakMap<CompiledNewsletter, { html: Segments; text: Segments }>()

/**
 * Compiles built MJML (through the render cache: an unchanged newsletter is not compiled
 * again, see `mjmlCompileCount`) and makes the plain-text part from the compiled HTML.
 * Throws on invalid MJML (strict validation) or a token the pipeline cannot fill.
 */
export const compileNewsletterSource = async (source: EmailSource): Promise<CompiledNewsletter> => {
  const hash = mjmlHash(source.mjml)
  const compiledHtml = await compileOnce(source.mjml)
  const html = split(compiledHtml, TOKEN_IN_HTML)
  // Marker characters typed into the CMS (unlikely, but possible) must not pose as tokens.
  const withoutMarkers = html.literals.some((literal) => /[\uE000\uE001]/.test(literal))
    ? { ...html, literals: html.literals.map((literal) => literal.replace(/[\uE000\uE001]/g, '')) }
    : html
  const marked = join(withoutMarkers, { name: `${OPEN}name${CLOSE}`, unsubscribeUrl: `${OPEN}unsubscribeUrl${CLOSE}`, preferencesUrl: `${OPEN}preferencesUrl${CLOSE}` })
  const text = split(htmlToPlainText(marked), TOKEN_IN_MARKED_TEXT)
  const compiled: CompiledNewsletter = { subject: source.subject, html: compiledHtml, text: joinWithTokens(text), hash }
  segmentsOf.set(compiled, { html, text })
  return compiled
}

/**
 * Compiles a newsletter once: loads the clinic, its published featured articles and the
 * intro's images, builds the template's MJML and compiles it (cached by hash).
 * Featured articles that are not published are left out; a newsletter with nothing left
 * to say is an error.
 */
export const compileNewsletter = async (
  payload: Payload,
  newsletter: Newsletter,
  options: LoadOptions = {},
): Promise<CompiledNewsletter> => {
  let source = await buildNewsletterSource(payload, newsletter, options)
  if (!source.hasIntro && !source.articles.length) {
    throw new Error(`Newsletter "${newsletter.subject}" has nothing to send: write an intro or feature at least one published article.`)
  }
  let compiled = await compileNewsletterSource(source)
  // A digest lists every article of its period: after a busy stretch that passes Gmail's
  // clipping size, so it shows as many as fit (measured, a couple of tries at most) and links
  // the rest on the site. Budget: 2 KB below the limit for the recipient's name and links.
  const budget = MAX_EMAIL_HTML_BYTES - 2048
  let shown = source.articles.length
  while (newsletter.template === 'digest' && Buffer.byteLength(compiled.html) > budget && shown > 1) {
    const perArticle = Buffer.byteLength(compiled.html) / Math.max(1, shown)
    shown = Math.max(1, Math.min(shown - 1, Math.floor(shown - (Buffer.byteLength(compiled.html) - budget) / perArticle) - 1))
    source = await buildNewsletterSource(payload, newsletter, { ...options, maxArticles: shown })
    compiled = await compileNewsletterSource(source)
  }
  // Set on the object itself: the pre-split parts are remembered by its identity.
  compiled.clinicName = source.clinic.name
  return compiled
}

const personalValues = (recipient: NewsletterRecipient) => {
  if (!recipient.unsubscribeUrl || !recipient.preferencesUrl) {
    throw new Error('A newsletter needs the recipient’s unsubscribe and preferences URLs.')
  }
  const name = recipient.name?.trim() || ANONYMOUS_NAME
  return {
    html: { name: escapeHtml(name), unsubscribeUrl: escapeHtml(recipient.unsubscribeUrl), preferencesUrl: escapeHtml(recipient.preferencesUrl) },
    text: { name, unsubscribeUrl: recipient.unsubscribeUrl, preferencesUrl: recipient.preferencesUrl },
  }
}

const segmentsFor = (compiled: CompiledNewsletter) => {
  let segments = segmentsOf.get(compiled)
  if (!segments) {
    // A copy of the compiled object (serialised, spread): split once more and remember it.
    segments = { html: split(compiled.html, TOKEN_IN_HTML), text: split(compiled.text, TOKEN_IN_HTML, { lenient: true }) }
    segmentsOf.set(compiled, segments)
  }
  return segments
}

/**
 * One recipient's copy: the tokens filled in, HTML-escaped in `html`, as they are in
 * `text`. Runs per recipient, so it only concatenates pre-split strings. A missing link
 * is an error: a newsletter must never go out without a working unsubscribe link.
 */
export const personaliseNewsletter = (compiled: CompiledNewsletter, recipient: NewsletterRecipient): { html: string; text: string } => {
  const values = personalValues(recipient)
  const segments = segmentsFor(compiled)
  return { html: join(segments.html, values.html), text: join(segments.text, values.text) }
}

/**
 * nodemailer's own quoted-printable encoder on one piece of a part, CRLF line ends as on the
 * wire. A piece followed by another ends in a soft line break ("=" CRLF, lines kept within
 * 76 characters): decoders drop it, so pieces encoded apart and joined decode to exactly the
 * joined text.
 */
const encodePiece = (text: string, last: boolean) => {
  const encoded = encodeQuotedPrintable(text.replace(/\r?\n/g, '\r\n'))
  return last ? wrapQuotedPrintable(encoded, 76) : `${wrapQuotedPrintable(encoded, 75)}=\r\n`
}
const encodeLiterals = ({ literals, tokens }: Segments): Segments => ({
  literals: literals.map((literal, index) => encodePiece(literal, index === literals.length - 1)),
  tokens,
})
const encodeValues = (values: Record<TokenName, string>) =>
  Object.fromEntries(Object.entries(values).map(([token, value]) => [token, encodePiece(value, false)])) as Record<TokenName, string>

const HTML_PART_HEADERS = 'Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
const TEXT_PART_HEADERS = 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'

/** Each compiled newsletter's parts, quoted-printable encoded once. */
const encodedSegmentsOf = new WeakMap<CompiledNewsletter, { html: Segments; text: Segments }>()

/**
 * `personaliseNewsletter`, already encoded for the wire: the 25 KB or so of a newsletter is
 * quoted-printable encoded once per send, and per recipient only their name and links are.
 * Left to nodemailer, every message was encoded whole again (about 0.8 ms of the sending
 * worker's CPU a message against 0.15 ms; bench/newsletter-throughput/README.md).
 * Decodes to exactly what `personaliseNewsletter` returns, with CRLF line ends as every
 * message has on the wire (tests/int/newsletters-content).
 */
export const personaliseNewsletterParts = (compiled: CompiledNewsletter, recipient: NewsletterRecipient): { html: EncodedPart; text: EncodedPart } => {
  const values = personalValues(recipient)
  let encoded = encodedSegmentsOf.get(compiled)
  if (!encoded) {
    const segments = segmentsFor(compiled)
    encoded = { html: encodeLiterals(segments.html), text: encodeLiterals(segments.text) }
    encodedSegmentsOf.set(compiled, encoded)
  }
  return {
    html: { raw: HTML_PART_HEADERS + join(encoded.html, encodeValues(values.html)) },
    text: { raw: TEXT_PART_HEADERS + join(encoded.text, encodeValues(values.text)) },
  }
}

/** Links in a preview go nowhere: an owner clicking "Unsubscribe" in the preview must not unsubscribe anyone. */
export const PREVIEW_LINKS = { unsubscribeUrl: '#preview-unsubscribe', preferencesUrl: '#preview-preferences' } as const

/**
 * The email as a subscriber will see it, for the admin's preview: same compile (and
 * cache) as the send, personalised with a sample name and harmless links.
 */
export const renderNewsletterPreview = async (
  payload: Payload,
  newsletter: Newsletter,
  {
    sampleName = 'Alex',
    req,
    links = PREVIEW_LINKS,
  }: { sampleName?: string; req?: PayloadRequest; links?: Pick<NewsletterRecipient, 'unsubscribeUrl' | 'preferencesUrl'> } = {},
): Promise<{ subject: string; html: string; text: string; hash: string; clinicName: string; htmlBytes: number; htmlSizeWarning?: string }> => {
  const compiled = await compileNewsletter(payload, newsletter, { req })
  const personalised = personaliseNewsletter(compiled, { name: sampleName, ...links })
  return { subject: compiled.subject, hash: compiled.hash, clinicName: compiled.clinicName ?? '', ...personalised, ...htmlSizeReport(personalised.html) }
}
