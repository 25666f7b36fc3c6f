import { TECHNIQUES } from '../fields/techniques'
import type { JsonLdBuilder } from '../fields/jsonLd'
import { frontEndUrl } from '../utilities/siteUrl'
import { clinicId, compact, withFragment, NAME_ONLY, SCHEMA_CONTEXT } from './shared'

const techniqueLabel = (value: string) => TECHNIQUES.find((technique) => technique.value === value)?.label ?? value

export const conditionJsonLd: JsonLdBuilder = async (doc, related, site) => {
  const url = frontEndUrl('conditions', doc, await site.patterns())
  const review = doc.medicalReview ?? {}
  const services = (await related<{ name?: string }>('services', doc.relatedServices, NAME_ONLY)).filter((service) => service.name)
  return compact({
    '@context': SCHEMA_CONTEXT,
    '@type': 'MedicalWebPage',
    '@id': withFragment(url, 'page'),
    url,
    name: doc.seo?.title || doc.name,
    description: doc.seo?.description || doc.summary,
    lastReviewed: review.lastReviewed ?? undefined,
    reviewedBy: review.reviewedBy
      ? compact({ '@type': 'Person', name: review.reviewedBy, jobTitle: review.credentials || undefined })
      : undefined,
    publisher: { '@id': clinicId() },
    mainEntity: compact({
      '@type': 'MedicalCondition',
      name: doc.name,
      description: doc.summary,
      signOrSymptom: (doc.symptoms ?? [])
        .filter((row: any) => row?.symptom)
        .map((row: any) => ({ '@type': 'MedicalSignOrSymptom', name: row.symptom })),
      cause: (doc.commonCauses ?? [])
        .filter((row: any) => row?.cause)
        .map((row: any) => ({ '@type': 'MedicalCause', name: row.cause })),
      possibleTreatment: [
        ...(doc.techniques ?? []).map((technique: string) => ({ '@type': 'MedicalTherapy', name: techniqueLabel(technique) })),
        ...services.map((service) => ({ '@type': 'MedicalTherapy', name: service.name })),
      ],
    }),
    citation: (doc.citations ?? [])
      .filter((citation: any) => citation?.title)
      .map((citation: any) =>
        compact({
          '@type': 'ScholarlyArticle',
          name: citation.title,
          publisher: citation.source || undefined,
          datePublished: citation.year ? String(citation.year) : undefined,
          url: citation.url || undefined,
        }),
      ),
  })
}
