import type { Payload, PayloadRequest } from 'payload'

import { articles } from './data/articles'
import { clinic } from './data/clinic'
import { conditions } from './data/conditions'
import { faqs } from './data/faqs'
import { newsletters } from './data/newsletters'
import { services } from './data/services'
import { drawHeroImage } from './heroImage'
import { createMarkdownConverter } from './lexical'

export type SeedReport = Record<'conditions' | 'services' | 'articles' | 'faqs' | 'media' | 'newsletters', { created: number; existing: number }>

const DAY = 24 * 60 * 60 * 1000

/**
 * Loads the demo content. Idempotent: each item is looked up by its natural key (slug,
 * question, file name) and created only when missing, so a second run changes nothing
 * and never overwrites what the owner has edited since.
 */
export const seed = async (payload: Payload, options: { req?: Partial<PayloadRequest> } = {}): Promise<SeedReport> => {
  const log = (msg: string) => payload.logger.info(`[seed] ${msg}`)
  const toLexical = await createMarkdownConverter(payload)
  const common = { overrideAccess: true, depth: 0, req: options.req, context: { seeding: true } } as const
  const report: SeedReport = {
    conditions: { created: 0, existing: 0 },
    services: { created: 0, existing: 0 },
    articles: { created: 0, existing: 0 },
    faqs: { created: 0, existing: 0 },
    media: { created: 0, existing: 0 },
    newsletters: { created: 0, existing: 0 },
  }

  const findIdBy = async (collection: 'articles' | 'conditions' | 'services' | 'faqs', field: string, value: string) => {
    const { docs } = await payload.find({
      ...common,
      collection,
      where: { [field]: { equals: value } },
      limit: 1,
      draft: true,
      pagination: false,
      select: {},
    })
    return docs[0]?.id as number | string | undefined
  }

  /**
   * The document whose `field` is `value`, created from `data()` when there is none: its id,
   * and whether this run created it. Counted in the report either way.
   */
  const ensure = async (
    collection: 'articles' | 'conditions' | 'services' | 'faqs',
    [field, value]: [string, string],
    data: () => Promise<Record<string, unknown>> | Record<string, unknown>,
    { published = true }: { published?: boolean } = {},
  ) => {
    const existing = await findIdBy(collection, field, value)
    if (existing) {
      report[collection].existing++
      return { id: existing, created: false }
    }
    const doc = await payload.create({ ...common, collection, draft: !published, data: (await data()) as never })
    report[collection].created++
    return { id: doc.id as number | string, created: true }
  }

  log('clinic settings')
  const currentClinic = await payload.findGlobal({ ...common, slug: 'clinic' })
  if (!currentClinic?.name) {
    await payload.updateGlobal({
      ...common,
      slug: 'clinic',
      data: {
        ...clinic,
        openingHours: clinic.openingHours.map((row) => ({ ...row, days: [...row.days] })) as any,
        socialLinks: clinic.socialLinks.map((link) => ({ ...link })) as any,
        address: { ...clinic.address },
      },
    })
  }

  log(`${conditions.length} conditions`)
  const conditionIds = new Map<string, number | string>()
  const newConditions: string[] = []
  for (const condition of conditions) {
    const { id, created } = await ensure('conditions', ['slug', condition.slug], () => ({
      _status: 'published',
      name: condition.name,
      slug: condition.slug,
      generateSlug: false,
      summary: condition.summary,
      symptoms: condition.symptoms.map((symptom) => ({ symptom })),
      commonCauses: condition.commonCauses.map((cause) => ({ cause })),
      howMassageHelps: toLexical(condition.howMassageHelps),
      techniques: [...condition.techniques],
      citations: (condition.citations ?? []).map((citation) => ({ ...citation })),
      medicalReview: {
        reviewedBy: 'Clinic medical massage team',
        credentials: 'Certified Medical Massage Practitioners',
        lastReviewed: new Date().toISOString(),
      },
    }))
    conditionIds.set(condition.slug, id)
    if (created) newConditions.push(condition.slug)
  }

  const idsOf = (slugs: string[], ids: Map<string, number | string>) =>
    slugs.map((slug) => ids.get(slug)).filter((id): id is number => id !== undefined)

  log(`${services.length} services`)
  const serviceIds = new Map<string, number | string>()
  for (const service of services) {
    const { id } = await ensure('services', ['slug', service.slug], () => ({
      _status: 'published',
      name: service.name,
      slug: service.slug,
      generateSlug: false,
      category: service.category,
      summary: service.summary,
      description: toLexical(service.description),
      options: service.options.map((option) => ({ ...option })),
      insuranceDocumentation: service.insuranceDocumentation,
      conditions: idsOf(service.conditions, conditionIds),
    }))
    serviceIds.set(service.slug, id)
  }

  // Conditions and services point at each other: link the conditions created above now
  // that their services exist.
  for (const slug of newConditions) {
    const condition = conditions.find((item) => item.slug === slug)!
    await payload.update({
      ...common,
      collection: 'conditions',
      id: conditionIds.get(slug)!,
      draft: false,
      data: { relatedServices: idsOf(condition.relatedServices, serviceIds) },
    })
  }

  log(`${articles.length} articles with hero images`)
  const now = Date.now()
  for (const [index, article] of articles.entries()) {
    const published = article.status === 'published'
    await ensure(
      'articles',
      ['slug', article.slug],
      async () => ({
        _status: article.status,
        title: article.title,
        slug: article.slug,
        generateSlug: false,
        excerpt: article.excerpt,
        content: toLexical(article.content),
        heroImage: await findOrCreateHeroImage(payload, common, article.slug, article.heroLabel, index, report),
        conditions: idsOf(article.conditions, conditionIds),
        services: idsOf(article.services, serviceIds),
        authorName: 'Stevenson Clinic team',
        seo: { title: article.seo?.title, description: article.seo?.description },
        publishedAt: published ? new Date(now - (article.publishedDaysAgo ?? 1) * DAY).toISOString() : undefined,
      }),
      { published },
    )
  }

  log(`${faqs.length} FAQs`)
  for (const faq of faqs) {
    await ensure('faqs', ['question', faq.question], () => ({
      _status: 'published',
      question: faq.question,
      answer: toLexical(faq.answer),
      category: faq.category,
      order: faq.order,
      relatedConditions: idsOf(faq.conditions, conditionIds),
      relatedServices: idsOf(faq.services, serviceIds),
    }))
  }

  log(`${newsletters.length} draft newsletter`)
  for (const newsletter of newsletters) {
    const { totalDocs } = await payload.count({ ...common, collection: 'newsletters', where: { subject: { equals: newsletter.subject } } })
    if (totalDocs) {
      report.newsletters.existing++
      continue
    }
    const featured = await Promise.all(newsletter.featuredArticles.map((slug) => findIdBy('articles', 'slug', slug)))
    // A draft: the demo shows a composed newsletter; sending it is the owner's decision.
    await payload.create({
      ...common,
      collection: 'newsletters',
      data: {
        subject: newsletter.subject,
        preheader: newsletter.preheader,
        intro: toLexical(newsletter.intro),
        featuredArticles: featured.filter((id): id is number => id !== undefined),
        audience: 'all',
        template: 'newsletter',
        status: 'draft',
      },
    })
    report.newsletters.created++
  }

  log(`done: ${JSON.stringify(report)}`)
  return report
}

const findOrCreateHeroImage = async (
  payload: Payload,
  common: { overrideAccess: true; depth: 0; req?: Partial<PayloadRequest> },
  slug: string,
  label: string,
  index: number,
  report: SeedReport,
) => {
  const name = `seed-${slug}`
  const { docs } = await payload.find({
    ...common,
    collection: 'media',
    where: { filename: { like: name } },
    limit: 1,
    pagination: false,
  })
  if (docs[0]) {
    report.media.existing++
    return docs[0].id
  }
  const data = await drawHeroImage(label, index)
  const media = await payload.create({
    ...common,
    collection: 'media',
    data: { alt: `Illustration for the article about ${label.toLowerCase()}` },
    file: { data, mimetype: 'image/jpeg', name: `${name}.jpg`, size: data.length },
  })
  report.media.created++
  return media.id
}
