/**
 * Shared set-up of the newsletter content tests (tests/int/newsletters-content/*.int.spec.ts):
 * what a newsletter says and looks like, and the two automatic newsletters (article
 * announcements, the weekly digest), on a real Payload with its own database, the REST
 * handlers, and a real worker process for the scheduled publish.
 */
import type { Payload } from 'payload'
import { afterAll, afterEach, beforeAll } from 'vitest'

import type { Article, Media, Newsletter } from '../../../payload-types'
import { drawHeroImage } from '../../../src/seed/heroImage'
import { createMarkdownConverter } from '../../../src/seed/lexical'
import { richText } from '../../helpers/fixtures'
import { stopTestPayload, type TestPayload } from '../../helpers/payload'
import { stopWorkers, type WorkerProcess } from '../../helpers/worker'
import { startStaffPayload } from '../../helpers/staffPayload'

export let ctx: TestPayload
export let payload: Payload
export let http: typeof import('../../helpers/http')
export let editorToken: string
export let markdown: (text: string) => any
export let image: Media
export const workers: WorkerProcess[] = []

export const workerLogs = () => workers.map((w) => w.output()).join('\n---\n').slice(-4000)

export const CLINIC = {
  name: 'Stevenson Therapeutic Medical Massage & Facials',
  tagline: 'Medical massage, tailored to your recovery',
  bookingUrl: 'https://book.clinic.test/',
  timezone: 'America/Chicago',
  mailingAddress: '4100 Example Avenue, Suite 2\nSpringfield, IL 62701',
  medicalDisclaimer: 'This email is general education, not medical advice.',
}

export let counter = 0
export const publishedArticle = async (overrides: Partial<Article> = {}) => {
  counter++
  return payload.create({
    collection: 'articles',
    data: {
      title: `Article ${counter}`,
      slug: `article-${counter}`,
      excerpt: `Excerpt of article ${counter}.`,
      content: richText('Body.'),
      _status: 'published',
      ...overrides,
    } as Article,
  })
}

export const draftArticle = async (overrides: Partial<Article> = {}) => {
  counter++
  return payload.create({
    collection: 'articles',
    draft: true,
    data: { title: `Draft ${counter}`, slug: `draft-${counter}`, content: richText('Body.'), _status: 'draft', ...overrides } as Article,
  })
}

export const createNewsletter = (data: Partial<Newsletter>) =>
  payload.create({ collection: 'newsletters', data: { subject: 'Winter news', ...data } as Newsletter, depth: 0 })

/** A Lexical upload node, as the editor stores it (depth 0: the media id). */
export const uploadNode = (media: Media) => ({
  type: 'upload',
  version: 3,
  format: '',
  relationTo: 'media',
  value: media.id,
  fields: null,
})

/** The hooks every file of this group registers: set-up, clean-up between tests, tear-down. */
export const useNewsletterContent = () => {
  beforeAll(async () => {
    ;({ ctx, http, editorToken } = await startStaffPayload('newsletters-content'))
    payload = ctx.payload
    await payload.updateGlobal({ slug: 'clinic', data: CLINIC })
    markdown = await createMarkdownConverter(payload)
    const data = await drawHeroImage('Calm', 0)
    image = await payload.create({
      collection: 'media',
      data: { alt: 'A calm treatment room' },
      file: { data, mimetype: 'image/jpeg', name: 'calm-room.jpg', size: data.length },
    })
  })

  afterEach(() => stopWorkers(workers))

  afterAll(async () => {
    if (ctx) await stopTestPayload(ctx)
  })
}
