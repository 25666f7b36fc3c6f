import type { Technique } from '../fields/techniques'

/**
 * Demo content is written as plain data, one file per kind, and turned into Lexical
 * rich text by `toLexical` at seed time.
 *
 * `RichText` is a small Markdown subset, blocks separated by a blank line:
 *   "## Heading" / "### Heading", "- bullet" lines, "1. numbered" lines, anything else
 *   is a paragraph. Inline: **bold** and *italic* only.
 */
export type RichText = string

/** Joins Markdown blocks with the blank line that `RichText` uses as a separator. */
export const md = (...blocks: string[]): RichText => blocks.join('\n\n')

export type ServiceCategory = 'medical' | 'spa' | 'facial' | 'pre-post-operative'
export type FaqCategory = 'insurance' | 'booking' | 'treatment' | 'general'

export interface SeedCitation {
  title: string
  source?: string
  year?: number
  url?: string
}

export interface SeedCondition {
  slug: string
  name: string
  /** One or two sentences, plain text, used in lists and meta descriptions. */
  summary: string
  symptoms: string[]
  commonCauses: string[]
  howMassageHelps: RichText
  techniques: Technique[]
  /** Slugs of services in services.ts */
  relatedServices: string[]
  citations?: SeedCitation[]
}

export interface SeedServiceOption {
  durationMinutes: number
  /** US dollars */
  price: number
}

export interface SeedService {
  slug: string
  name: string
  category: ServiceCategory
  /** Plain text, one or two sentences. */
  summary: string
  description: RichText
  options: SeedServiceOption[]
  insuranceDocumentation: boolean
  /** Slugs of conditions in conditions.ts */
  conditions: string[]
}

export interface SeedArticle {
  slug: string
  title: string
  /** Plain text, at most ~300 characters. */
  excerpt: string
  content: RichText
  /** Slugs of conditions in conditions.ts */
  conditions: string[]
  /** Slugs of services in services.ts */
  services: string[]
  status: 'published' | 'draft'
  /** For published articles: how many days before the seed run it was published. */
  publishedDaysAgo?: number
  seo?: { title?: string; description?: string }
  /** Short label drawn on the generated hero image, e.g. "Frozen shoulder". */
  heroLabel: string
}

export interface SeedFaq {
  question: string
  answer: RichText
  category: FaqCategory
  order: number
  conditions: string[]
  services: string[]
}
