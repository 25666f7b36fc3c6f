import type { PublishedContentSlug } from '../../collections/shared/publishedContentSlugs'
import { TECHNIQUES } from '../fields/techniques'
import { lexicalText } from './text'

/**
 * What is searched in each published-content collection, and how a document becomes one
 * entry of the index: its title (article title, condition and service name, FAQ question),
 * excerpt (article excerpt, condition and service summary), body text (the rich text:
 * content, how massage helps, description, FAQ answer), a condition's symptoms and common
 * causes, and the techniques it names (their labels).
 */
export type SearchEntry = {
  key: string
  collection: PublishedContentSlug
  id: number | string
  slug: string | null
  title: string
  excerpt: string
  body: string
  symptoms: string
  techniques: string
}

export const SEARCH_FIELDS = ['title', 'excerpt', 'body', 'symptoms', 'techniques'] as const
export type SearchField = (typeof SEARCH_FIELDS)[number]

type Source = {
  /** The Local API `select` of what the entry needs (never jsonLd: it would be built for nothing). */
  select: Record<string, true>
  toEntry: (doc: Record<string, any>) => Omit<SearchEntry, 'key' | 'collection' | 'id' | 'slug'>
}

const TECHNIQUE_LABELS = new Map<string, string>(TECHNIQUES.map(({ label, value }) => [value, label]))
const lines = (rows: unknown, field: string) =>
  Array.isArray(rows) ? rows.map((row) => (row && typeof row === 'object' ? String((row as any)[field] ?? '') : '')).filter(Boolean).join('\n') : ''
const text = (value: unknown) => (typeof value === 'string' ? value : '')

export const SEARCH_SOURCES: Record<PublishedContentSlug, Source> = {
  articles: {
    select: { title: true, slug: true, excerpt: true, content: true },
    toEntry: (doc) => ({ title: text(doc.title), excerpt: text(doc.excerpt), body: lexicalText(doc.content), symptoms: '', techniques: '' }),
  },
  conditions: {
    select: { name: true, slug: true, summary: true, howMassageHelps: true, symptoms: true, commonCauses: true, techniques: true },
    toEntry: (doc) => ({
      title: text(doc.name),
      excerpt: text(doc.summary),
      body: [lexicalText(doc.howMassageHelps), lines(doc.commonCauses, 'cause')].filter(Boolean).join('\n'),
      symptoms: lines(doc.symptoms, 'symptom'),
      techniques: (Array.isArray(doc.techniques) ? doc.techniques : []).map((value: string) => TECHNIQUE_LABELS.get(value) ?? value).join('\n'),
    }),
  },
  services: {
    select: { name: true, slug: true, summary: true, description: true },
    toEntry: (doc) => ({ title: text(doc.name), excerpt: text(doc.summary), body: lexicalText(doc.description), symptoms: '', techniques: '' }),
  },
  faqs: {
    // FAQs have no slug today; when they get one (front-end paths, `/faq#{slug}`) it is returned.
    select: { question: true, answer: true },
    toEntry: (doc) => ({ title: text(doc.question), excerpt: '', body: lexicalText(doc.answer), symptoms: '', techniques: '' }),
  },
}

export const entryKey = (collection: string, id: number | string) => `${collection}:${id}`

export const toSearchEntry = (collection: PublishedContentSlug, doc: Record<string, any>): SearchEntry => ({
  key: entryKey(collection, doc.id),
  collection,
  id: doc.id,
  slug: typeof doc.slug === 'string' ? doc.slug : null,
  ...SEARCH_SOURCES[collection].toEntry(doc),
})
