import type { PayloadRequest } from 'payload'

import { ANY_CHANGE_TAG, CONTENT_TAGS_HEADER, formatContentTags, parseContentTags } from '../cache/contentTags'

/**
 * Answers of the feed and sitemap routes. Public, so the response cache in front of Next keeps
 * them (src/cache/rules.ts `classifySitePath`), tagged with what they list: the tags the
 * anonymous request's reads collected (every document, `articles:list`, media, the clinic) plus
 * `extraTags`, so a publish, unpublish or edit drops them like any other public read.
 */
export const FEED_CONTENT_TYPES = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
} as const

export const taggedResponse = (body: string, contentType: string, req: PayloadRequest, extraTags: string[] = []) => {
  const tags = [...parseContentTags(req.responseHeaders?.get(CONTENT_TAGS_HEADER) ?? undefined), ...extraTags]
  return new Response(body, {
    status: 200,
    headers: { 'Content-Type': contentType, [CONTENT_TAGS_HEADER]: tags.length ? formatContentTags(tags) : ANY_CHANGE_TAG },
  })
}

/** A plain-text refusal (feed readers show the body as it is). */
export const feedProblem = (status: number, message: string) =>
  new Response(`${message}\n`, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } })

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }
export const escapeXml = (value: string) => value.replace(/[&<>"']/g, (char) => XML_ENTITIES[char]!)
