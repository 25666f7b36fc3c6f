import type { JsonLdBuilder } from '../fields/jsonLd'
import { frontEndUrl } from '../utilities/siteUrl'
import { clinicId, compact, withFragment, MEDIA_URL, mediaUrl, NAME_ONLY, SCHEMA_CONTEXT } from './shared'

export const articleJsonLd: JsonLdBuilder = async (doc, related, site) => {
  const [heroImage] = await related<{ url?: string }>('media', doc.heroImage, MEDIA_URL)
  const [seoImage] = heroImage ? [] : await related<{ url?: string }>('media', doc.seo?.image, MEDIA_URL)
  const conditions = await related<{ name?: string }>('conditions', doc.conditions, NAME_ONLY)
  const url = frontEndUrl('articles', doc, await site.patterns())
  return compact({
    '@context': SCHEMA_CONTEXT,
    '@type': 'BlogPosting',
    '@id': withFragment(url, 'article'),
    url,
    headline: doc.seo?.title || doc.title,
    description: doc.seo?.description || doc.excerpt,
    image: mediaUrl(heroImage ?? seoImage),
    datePublished: doc.publishedAt ?? undefined,
    dateModified: doc.updatedAt ?? undefined,
    author: doc.authorName ? { '@type': 'Person', name: doc.authorName } : { '@id': clinicId() },
    publisher: { '@id': clinicId() },
    about: conditions
      .filter((condition) => condition.name)
      .map((condition) => ({ '@type': 'MedicalCondition', name: condition.name })),
  })
}
