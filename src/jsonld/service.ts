import { absoluteUrl, clinicId, compact, populated, SCHEMA_CONTEXT } from './shared'

export const serviceJsonLd = (doc: Record<string, any>) => {
  const url = absoluteUrl(`/services/${doc.slug ?? ''}`)
  return compact({
    '@context': SCHEMA_CONTEXT,
    '@type': 'MedicalTherapy',
    '@id': `${url}#therapy`,
    url,
    name: doc.name,
    description: doc.seo?.description || doc.summary,
    provider: { '@id': clinicId() },
    relevantSpecialty: doc.category === 'medical' || doc.category === 'pre-post-operative' ? 'PhysicalTherapy' : undefined,
    medicineSystem: 'WesternConventional',
    indication: populated<{ name?: string }>(doc.conditions)
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
