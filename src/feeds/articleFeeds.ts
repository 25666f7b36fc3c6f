import { Feed, type Item } from 'feed'
import type { Payload, PayloadRequest, Where } from 'payload'

import type { Article, Condition, Media } from '../../payload-types'
import { anonymousRequest } from '../seams/localRequest'
import { loadFrontEndPatterns } from '../utilities/frontEndPatterns'
import { getServerUrl } from '../utilities/serverUrl'
import { absoluteMediaUrl, frontEndUrl, getSiteUrl, type FrontEndPatterns } from '../utilities/siteUrl'
import { FEED_CONTENT_TYPES, feedProblem, taggedResponse } from './responses'

/**
 * The article feeds (README "Feeds"): `/feeds/articles.rss` (RSS 2.0), `.atom` (Atom 1.0),
 * `.json` (JSON Feed 1.1), and `/feeds/conditions/{slug}.rss` per condition: the FEED_SIZE
 * latest published articles with title, summary, full content HTML (the `contentHtml`
 * sibling), hero image, published and updated times, links to the front end. Built with the
 * `feed` library; read as an anonymous visitor, so drafts never appear.
 */
export const FEED_SIZE = 20

export type FeedFormat = 'rss' | 'atom' | 'json'

const ARTICLE_SELECT = {
  title: true,
  slug: true,
  excerpt: true,
  contentHtml: true,
  heroImage: true,
  publishedAt: true,
  updatedAt: true,
  authorName: true,
  conditions: true,
} as const

type FeedArticle = Pick<Article, 'id' | 'title' | 'slug' | 'excerpt' | 'heroImage' | 'publishedAt' | 'updatedAt' | 'authorName' | 'conditions'> & {
  contentHtml?: string | null
}

const loadArticles = async (payload: Payload, req: PayloadRequest, where: Where[] = []) => {
  const { docs } = await payload.find({
    collection: 'articles',
    where: { and: [{ _status: { equals: 'published' } }, ...where] },
    select: ARTICLE_SELECT,
    sort: '-publishedAt',
    limit: FEED_SIZE,
    depth: 1,
    draft: false,
    overrideAccess: false,
    pagination: false,
    req,
  })
  return docs as unknown as FeedArticle[]
}

/** A stable id per article (RFC 4151 tag URI): feed readers keep an item when its slug, and so its link, changes. */
const itemId = (article: FeedArticle) => `tag:${new URL(getSiteUrl()).hostname},2026:articles/${article.id}`

const toItem = (article: FeedArticle, patterns: FrontEndPatterns): Item => {
  const hero = typeof article.heroImage === 'object' && article.heroImage ? (article.heroImage as Media) : undefined
  const heroUrl = absoluteMediaUrl(hero?.url)
  const updated = new Date(article.updatedAt)
  return {
    id: itemId(article),
    guid: itemId(article),
    title: article.title,
    link: frontEndUrl('articles', article, patterns),
    description: article.excerpt ?? undefined,
    content: article.contentHtml || undefined,
    date: updated,
    published: article.publishedAt ? new Date(article.publishedAt) : updated,
    author: article.authorName ? [{ name: article.authorName }] : undefined,
    category: (article.conditions ?? [])
      .filter((condition): condition is Condition => typeof condition === 'object' && Boolean(condition?.name))
      .map((condition) => ({ name: condition.name })),
    image: heroUrl ? { url: heroUrl, type: hero?.mimeType ?? undefined, length: hero?.filesize ?? undefined, title: hero?.alt ?? undefined } : undefined,
  }
}

/** The `feed` library writes JSON Feed 1.0; 1.1 names authors in a list and has `language`. */
const asJsonFeed11 = (json: string, language: string) => {
  const feed = JSON.parse(json) as Record<string, any>
  feed.version = 'https://jsonfeed.org/version/1.1'
  feed.language = language
  if (feed.author) feed.authors = [feed.author]
  delete feed.author
  for (const item of feed.items ?? []) {
    if (item.author) item.authors = [item.author]
    delete item.author
  }
  return JSON.stringify(feed, null, 2)
}

type FeedSpec = { formats: FeedFormat[]; title: string; description: string; link: string; selfPath: string; articles: FeedArticle[]; patterns: FrontEndPatterns; clinicName: string }

const renderFeed = (spec: FeedSpec, format: FeedFormat): string => {
  const serverUrl = getServerUrl()
  const base = spec.selfPath.replace(/\.(rss|atom|json)$/, '')
  const newest = spec.articles.reduce<Date | undefined>((latest, article) => {
    const updated = new Date(article.updatedAt)
    return !latest || updated > latest ? updated : latest
  }, undefined)
  const feed = new Feed({
    id: `${spec.link}`,
    title: spec.title,
    description: spec.description,
    link: spec.link,
    language: 'en',
    updated: newest ?? new Date(0),
    generator: 'Stevenson Clinic CMS',
    copyright: `© ${spec.clinicName}`,
    author: { name: spec.clinicName, link: getSiteUrl() },
    feedLinks: Object.fromEntries(spec.formats.map((other) => [other, `${serverUrl}${base}.${other}`])),
    feed: `${serverUrl}${spec.selfPath}`,
  })
  for (const article of spec.articles) feed.addItem(toItem(article, spec.patterns))
  if (format === 'rss') return feed.rss2()
  if (format === 'atom') return feed.atom1()
  return asJsonFeed11(feed.json1(), 'en')
}

const loadClinic = (payload: Payload, req: PayloadRequest) =>
  payload.findGlobal({ slug: 'clinic', depth: 0, select: { name: true, tagline: true }, overrideAccess: false, req })

/** `/feeds/articles.{rss,atom,json}`. */
export const articlesFeedResponse = async (payload: Payload, format: FeedFormat): Promise<Response> => {
  const req = await anonymousRequest(payload)
  const [clinic, patterns, articles] = await Promise.all([loadClinic(payload, req), loadFrontEndPatterns(payload, req), loadArticles(payload, req)])
  const clinicName = clinic.name || 'The clinic'
  const body = renderFeed(
    {
      title: `${clinicName}: articles`,
      description: clinic.tagline || `The latest articles from ${clinicName}.`,
      link: getSiteUrl(),
      formats: ['rss', 'atom', 'json'],
      selfPath: `/feeds/articles.${format}`,
      articles,
      patterns,
      clinicName,
    },
    format,
  )
  return taggedResponse(body, FEED_CONTENT_TYPES[format], req)
}

const SLUG = /^[A-Za-z0-9_-]{1,150}$/

/** `/feeds/conditions/{slug}.rss`: the articles about one published condition; 404 for any other slug. */
export const conditionFeedResponse = async (payload: Payload, slug: string): Promise<Response> => {
  if (!SLUG.test(slug)) return feedProblem(404, `No condition "${slug.slice(0, 150)}": use the slug of a published condition, e.g. /feeds/conditions/frozen-shoulder.rss.`)
  const req = await anonymousRequest(payload)
  const { docs } = await payload.find({
    collection: 'conditions',
    where: { slug: { equals: slug } },
    select: { name: true, slug: true, summary: true },
    limit: 1,
    depth: 0,
    draft: false,
    overrideAccess: false,
    pagination: false,
    req,
  })
  const condition = docs[0]
  if (!condition) return feedProblem(404, `No published condition "${slug}".`)
  const [clinic, patterns, articles] = await Promise.all([
    loadClinic(payload, req),
    loadFrontEndPatterns(payload, req),
    loadArticles(payload, req, [{ conditions: { in: [condition.id] } }]),
  ])
  const clinicName = clinic.name || 'The clinic'
  const body = renderFeed(
    {
      title: `${clinicName}: ${condition.name}`,
      description: condition.summary || `Articles about ${condition.name}.`,
      link: frontEndUrl('conditions', condition, patterns),
      formats: ['rss'],
      selfPath: `/feeds/conditions/${slug}.rss`,
      articles,
      patterns,
      clinicName,
    },
    'rss',
  )
  return taggedResponse(body, FEED_CONTENT_TYPES.rss, req)
}

/** `articles.rss` → 'rss'; undefined for a name that is no feed. */
export const articleFeedFormat = (file: string): FeedFormat | undefined => {
  const match = /^articles\.(rss|atom|json)$/.exec(file)
  return match ? (match[1] as FeedFormat) : undefined
}
