import { createHash } from 'node:crypto'

import { compile as compileHtmlToText } from 'html-to-text'
import mjml2html from 'mjml'

import { escapeHtml } from './escapeHtml'
import type { ClinicDetails, EmailTemplate } from './templates/types'

/**
 * Render once, personalise per recipient (Ghost's email renderer): MJML compilation is
 * slow (tens of milliseconds), so a template is compiled once to HTML that still holds
 * `{{token}}` placeholders, and each recipient's copy only fills those in.
 */

let compileCount = 0

/** How many MJML compilations this process has run; tests use it to prove the cache works. */
export const mjmlCompileCount = (): number => compileCount

type MjmlValidationIssue = { line?: number; message?: string; tagName?: string }

/** MJML's own messages name the working directory instead of the template; ours name the line and tag. */
const describeMjmlErrors = (issues: MjmlValidationIssue[]) =>
  issues.map((issue) => `  - line ${issue.line ?? '?'}${issue.tagName ? ` <${issue.tagName}>` : ''}: ${issue.message}`).join('\n')

/**
 * Compiles MJML to email-ready HTML, or throws an Error listing every MJML problem.
 * Strict validation: a template error must stop the send, not ship a broken layout.
 * Not `minify: true`: its htmlnano step crashes on Node 20.
 */
export const compileTemplate = async (mjml: string): Promise<string> => {
  compileCount++
  let result: Awaited<ReturnType<typeof mjml2html>>
  try {
    result = await mjml2html(mjml, {
      validationLevel: 'strict',
      // MJML links Google Fonts for some family names (Roboto is in our stack); an
      // empty map keeps emails free of third-party requests.
      fonts: {},
      keepComments: false,
    })
  } catch (error) {
    const issues = (error as { errors?: MjmlValidationIssue[] })?.errors
    if (issues?.length) throw new Error(`Invalid MJML template:\n${describeMjmlErrors(issues)}`, { cause: error })
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(`MJML template could not be parsed: ${reason}`, { cause: error })
  }
  if (result.errors.length) throw new Error(`Invalid MJML template:\n${describeMjmlErrors(result.errors)}`)
  return tidyCompiledHtml(result.html)
}

/** Elements whose whitespace is content: left exactly as MJML wrote them. */
const WHITESPACE_KEEPERS = /(<(pre|textarea|script)\b[\s\S]*?<\/\2\s*>)/gi

/**
 * What MJML's output needs before it is sent:
 * - whitespace collapsed: about a quarter of MJML's HTML is indentation, and Gmail clips a
 *   message past ~102 KB (hiding the footer's unsubscribe link). Outside <pre> (and textarea,
 *   script), HTML renders any run of whitespace as one space, so a run becomes one space, or
 *   one line break when it held one (lines stay short for quoted-printable and SMTP);
 * - `height="auto"` dropped from images: not a valid value of the attribute (a number of
 *   pixels), and the inline style already says `height:auto`;
 * - MJML's `font-size:0px` written `font-size:0`: the same CSS. MJML puts it on layout wrappers
 *   (to close the gaps between inline-block columns), which hold no text of their own, and
 *   SpamAssassin reads `font-size:[0-4]px;` as hidden tiny text (HTML_FONT_TINY_NORDNS, 2
 *   points behind a relay without reverse DNS); for the same reason the empty rule of an
 *   `mj-divider` (`font-size:1px;margin:0px auto`, for Outlook's line height) is written 0
 *   with the exact line-height rule MJML's own Outlook spacers use.
 * Not MJML's `minify`, whose htmlnano step crashes on Node 20.
 */
export const tidyCompiledHtml = (html: string): string =>
  html
    .split(WHITESPACE_KEEPERS)
    .map((piece, index) => {
      // split() with two capture groups: [text, keeper, tagName, text, keeper, tagName, …]
      if (index % 3 === 1) return piece
      if (index % 3 === 2) return ''
      return piece
        .replace(/[ \t\r\n\f]*\n[ \t\r\n\f]*/g, '\n')
        .replace(/[ \t\f]{2,}/g, ' ')
        .replace(/(<img\b[^>]*?)\s+height="auto"/gi, '$1')
        .replace(/font-size:0px;/g, 'font-size:0;')
        .replace(/font-size:1px;margin:0px auto;/g, 'font-size:0;mso-line-height-rule:exactly;line-height:0;margin:0px auto;')
    })
    .join('')

const TOKEN = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g

/**
 * Fills `{{name}}` placeholders in compiled HTML with HTML-escaped values (safe in text
 * and in quoted attributes such as `href`). One pass, so a value is never re-scanned.
 * A placeholder without a value throws: a blank unsubscribe or confirm link must not be sent.
 */
export const personalise = (html: string, tokens: Record<string, string>): string => {
  const missing = new Set<string>()
  const filled = html.replace(TOKEN, (placeholder, name: string) => {
    if (Object.hasOwn(tokens, name)) return escapeHtml(String(tokens[name]))
    missing.add(name)
    return placeholder
  })
  if (missing.size) throw new Error(`Email is missing values for: ${[...missing].map((name) => `{{${name}}}`).join(', ')}`)
  return filled
}

/**
 * Nesting html-to-text follows (it recurses per level, and runs out of stack near 2,000).
 * Our templates nest about 20 levels and bounded rich text (RICHTEXT_MAX_DEPTH) adds at most
 * about 70; anything deeper is cut off with an ellipsis instead of overflowing the stack.
 */
const PLAIN_TEXT_MAX_DEPTH = 200

const toPlainText = compileHtmlToText({
  wordwrap: 78,
  limits: { maxDepth: PLAIN_TEXT_MAX_DEPTH },
  selectors: [
    // "Label [https://…]"; a link whose text is its own URL is printed once.
    { selector: 'a', options: { linkBrackets: ['[', ']'], hideLinkHrefIfSameAsText: true } },
    { selector: 'img', format: 'skip' },
    // The preheader (templates/layout.ts) is a hidden div; it belongs to the inbox preview, not the body.
    { selector: 'div[style*="display:none"]', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
  ],
})

/** The text/plain alternative of an HTML email: 78-column lines, links as `[url]`. */
export const htmlToPlainText = (html: string): string => toPlainText(html)

/**
 * Compiled HTML by hash of its MJML. The MJML already contains the clinic's details, so
 * the key covers template and clinic together and an edited clinic simply misses. A
 * promise is stored so concurrent renders of a cold template share one compilation.
 */
const compiledByHash = new Map<string, Promise<string>>()
const MAX_CACHED_TEMPLATES = 50

/** The cache key of an MJML source: also a stable identity of what a newsletter says. */
export const mjmlHash = (mjml: string): string => createHash('sha256').update(mjml).digest('hex')

/** Compiles MJML through the cache: a source seen before (same hash) is not compiled again. */
export const compileOnce = (mjml: string): Promise<string> => {
  const key = mjmlHash(mjml)
  const cached = compiledByHash.get(key)
  if (cached) return cached
  const compiled = compileTemplate(mjml)
  // A failed compilation is not cached: the next attempt reports the error again.
  compiled.catch(() => compiledByHash.delete(key))
  compiledByHash.set(key, compiled)
  // Old clinic versions would otherwise stay forever; Map keeps insertion order.
  if (compiledByHash.size > MAX_CACHED_TEMPLATES) compiledByHash.delete(compiledByHash.keys().next().value!)
  return compiled
}

export type RenderedEmail = { subject: string; html: string; text: string }

/**
 * One ready-to-send email for one recipient: compile (cached), personalise, then derive
 * the text part from the personalised HTML so both parts carry the same links.
 */
export const renderEmail = async (
  template: EmailTemplate,
  clinic: ClinicDetails,
  tokens: Record<string, string>,
): Promise<RenderedEmail> => {
  const { subject, mjml } = template(clinic)
  const html = personalise(await compileOnce(mjml), tokens)
  return { subject, html, text: htmlToPlainText(html) }
}
