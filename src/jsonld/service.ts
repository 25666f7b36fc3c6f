import type { JsonLdBuilder } from '../fields/jsonLd'
import { frontEndUrl } from '../utilities/siteUrl'
import { clinicId, compact, withFragment, NAME_ONLY, SCHEMA_CONTEXT } from './shared'

export const serviceJsonLd: JsonLdBuilder = async (doc, related, site) => {
  const conditions = await related<{ name?: string }>('conditions', doc.conditions, NAME_ONLY)
  const url = frontEndUrl('services', doc, await site.patterns())
  return compact({
    '@context': SCHEMA_CONTEXT,
    '@type': 'MedicalTherapy',
    '@id': withFragment(url, 'therapy'),
    url,
    name: doc.name,
    description: doc.seo?.description || doc.summary,
    provider: { '@id': clinicId() },
    relevantSpecialty: doc.category === 'medical' || doc.category === 'pre-post-operative' ? 'PhysicalTherapy' : undefined,
    medicineSystem: 'WesternConventional',
    indication: conditions
      .filter((condition) => condition.name)
      .map((condition) => ({ '@type': 'MedicalCondition', name: condition.name })),
    offers: (doc.options ?? [])
      .filter((option: any) => typeof option?.price === 'number')
      .map((option: any) =>
        compact({
          '@type': 'Offer',
          name: option.durationMinutes ? `${doc.name}, ${option.durationMinutes} minutes` : doc.name,
          price: option.price.toFixed(2),
          priceCurrency: 'USD',
          url: doc.bookingUrl || undefined,
          availability: 'https://schema.org/InStock',
        }),
      ),
  })
}
