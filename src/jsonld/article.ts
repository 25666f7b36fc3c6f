import { absoluteUrl, clinicId, compact, mediaUrl, populated, SCHEMA_CONTEXT } from './shared'

export const articleJsonLd = (doc: Record<string, any>) =>
  compact({
    '@context': SCHEMA_CONTEXT,
    '@type': 'BlogPosting',
    '@id': absoluteUrl(`/articles/${doc.slug ?? ''}#article`),
    url: absoluteUrl(`/articles/${doc.slug ?? ''}`),
    headline: doc.seo?.title || doc.title,
    description: doc.seo?.description || doc.excerpt,
    image: mediaUrl(doc.heroImage) ?? mediaUrl(doc.seo?.image),
    datePublished: doc.publishedAt ?? undefined,
    dateModified: doc.updatedAt ?? undefined,
    author: doc.authorName ? { '@type': 'Person', name: doc.authorName } : { '@id': clinicId() },
    publisher: { '@id': clinicId() },
    about: populated<{ name?: string }>(doc.conditions)
      .filter((condition) => condition.name)
      .map((condition) => ({ '@type': 'MedicalCondition', name: condition.name })),
  })
