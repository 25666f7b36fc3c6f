import type { JsonLdBuilder } from '../fields/jsonLd'
import { getSiteUrl } from '../utilities/siteUrl'
import { clinicId, compact, SCHEMA_CONTEXT } from './shared'

const DAY_NAMES: Record<string, string> = {
  monday: 'Monday',
  tuesday: 'Tuesday',
  wednesday: 'Wednesday',
  thursday: 'Thursday',
  friday: 'Friday',
  saturday: 'Saturday',
  sunday: 'Sunday',
}

export const clinicJsonLd: JsonLdBuilder = async (doc) => {
  const address = doc.address ?? {}
  return compact({
    '@context': SCHEMA_CONTEXT,
    '@type': 'MedicalClinic',
    '@id': clinicId(),
    url: getSiteUrl(),
    name: doc.name,
    description: doc.tagline,
    telephone: doc.phone,
    address: compact({
      '@type': 'PostalAddress',
      streetAddress: address.street,
      addressLocality: address.city,
      addressRegion: address.region,
      postalCode: address.postalCode,
      addressCountry: address.country,
    }),
    openingHoursSpecification: (doc.openingHours ?? []).map((row: any) =>
      compact({
        '@type': 'OpeningHoursSpecification',
        dayOfWeek: (row.days ?? []).map((day: string) => DAY_NAMES[day] ?? day),
        opens: row.opens,
        closes: row.closes,
      }),
    ),
    sameAs: (doc.socialLinks ?? []).map((link: any) => link?.url).filter(Boolean),
    potentialAction: doc.bookingUrl
      ? { '@type': 'ReserveAction', target: doc.bookingUrl, name: 'Book an appointment' }
      : undefined,
    medicalSpecialty: 'PhysicalTherapy',
  })
}
