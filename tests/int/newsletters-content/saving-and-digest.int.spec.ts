/** Saving a newsletter (template and featured-article checks) and the weekly digest. Set-up: ./setup.ts. */

import { describe, expect, it } from 'vitest'

import { newsletterTemplates } from '../../../emails/newsletters/compile'
import { createDueDigest, latestDigestSlot } from '../../../jobs/newsletters/digest'
import { richText } from '../../helpers/fixtures'
import { payload, http, editorToken, publishedArticle, draftArticle, useNewsletterContent } from './setup'

useNewsletterContent()

describe('saving a newsletter', () => {
  it('refuses a broken template with a 400 naming the MJML problem', async () => {
    const created = await http.api('POST', '/newsletters', { body: { subject: 'Fine', intro: richText('Hello.') }, credentials: { token: editorToken } })
    expect(created.status, created.text).toBe(201)
    const original = newsletterTemplates.newsletter
    // A developer's mistake in a template: <mj-text> directly inside <mj-section>.
    newsletterTemplates.newsletter = (_clinic, content) => ({
      subject: content.subject,
      mjml: '<mjml><mj-body><mj-section><mj-text>Broken</mj-text></mj-section></mj-body></mjml>',
    })
    try {
      const refused = await http.api('PATCH', `/newsletters/${created.json.doc.id}`, { body: { subject: 'Changed' }, credentials: { token: editorToken } })
      expect(refused.status).toBe(400)
      const [problem] = refused.json.errors[0].data.errors
      expect(problem.path).toBe('template')
      expect(problem.message).toMatch(/"newsletter" email template is invalid/)
      expect(problem.message).toMatch(/line 1 <mj-text>: mj-text cannot be used inside mj-section/)
      const stored = await payload.findByID({ collection: 'newsletters', id: created.json.doc.id })
      expect(stored.subject).toBe('Fine')

      // A token the sender cannot fill is a template error too.
      newsletterTemplates.newsletter = (clinic, content) => original(clinic, { ...content, introHtml: '{{favouriteColour}}' })
      const unknownToken = await http.api('PATCH', `/newsletters/${created.json.doc.id}`, { body: { subject: 'Changed' }, credentials: { token: editorToken } })
      expect(unknownToken.status).toBe(400)
      expect(JSON.stringify(unknownToken.json)).toMatch(/unknown token \{\{favouriteColour\}\}/)
    } finally {
      newsletterTemplates.newsletter = original
    }
    const fixed = await http.api('PATCH', `/newsletters/${created.json.doc.id}`, { body: { subject: 'Changed' }, credentials: { token: editorToken } })
    expect(fixed.status, fixed.text).toBe(200)
  })

  it('refuses a draft featured article on any save, and on scheduling one unpublished since, naming it', async () => {
    const draft = await draftArticle({ title: 'Unfinished stretches guide' })
    const live = await publishedArticle()
    // Only published articles can be featured (the admin's picker offers no other): a
    // draft is refused even in a draft newsletter, with its title, not an id.
    const withDraft = await http.api('POST', '/newsletters', { body: { subject: 'Soon', featuredArticles: [live.id, draft.id] }, credentials: { token: editorToken } })
    expect(withDraft.status).toBe(400)
    expect(withDraft.json.errors[0].data.errors[0]).toMatchObject({ path: 'featuredArticles' })
    expect(withDraft.json.errors[0].data.errors[0].message).toMatch(/"Unfinished stretches guide" is not published: only published articles can be featured/)

    // An article unpublished after it was picked is refused when scheduling.
    const withdrawn = await publishedArticle({ title: 'Withdrawn stretches guide' })
    const created = await http.api('POST', '/newsletters', { body: { subject: 'Soon', featuredArticles: [live.id, withdrawn.id] }, credentials: { token: editorToken } })
    expect(created.status, created.text).toBe(201)
    await payload.update({ collection: 'articles', id: withdrawn.id, data: { _status: 'draft' } })
    const refused = await http.api('PATCH', `/newsletters/${created.json.doc.id}`, {
      body: { status: 'scheduled', sendAt: new Date(Date.now() + 3_600_000).toISOString() },
      credentials: { token: editorToken },
    })
    expect(refused.status).toBe(400)
    expect(refused.json.errors[0].data.errors[0]).toMatchObject({ path: 'featuredArticles' })
    expect(refused.json.errors[0].data.errors[0].message).toMatch(/"Withdrawn stretches guide" is not published/)
    expect((await payload.findByID({ collection: 'newsletters', id: created.json.doc.id })).status).toBe('draft')

    const nothing = await http.api('POST', '/newsletters', { body: { subject: 'Empty', status: 'scheduled', sendAt: new Date().toISOString() }, credentials: { token: editorToken } })
    expect(nothing.status).toBe(400)
    expect(nothing.json.errors[0].data.errors[0]).toMatchObject({ path: 'intro' })
  })
})

describe('weekly digest', () => {
  const setDigest = (newsletterDigest: Record<string, unknown>) =>
    payload.updateGlobal({ slug: 'clinic', data: { newsletterDigest } as any, depth: 0 })
  const lastDigestAt = async () => (await payload.findGlobal({ slug: 'clinic', depth: 0 })).newsletterDigest?.lastDigestAt
  const digests = async () =>
    (
      await payload.find({
        collection: 'newsletters',
        // Only this test's digests (the template test above made one by hand).
        where: { and: [{ template: { equals: 'digest' } }, { digestSince: { greater_than_equal: '2026-11-05T00:00:00.000Z' } }] },
        sort: 'createdAt',
        depth: 0,
        pagination: false,
      })
    ).docs

  it('finds the latest clinic-local slot, across daylight saving', () => {
    // Thursday 08:00 in Chicago: 08:30 CST on Thu 5 Nov 2026 is after this week's slot …
    expect(latestDigestSlot(new Date('2026-11-05T14:30:00Z'), 'thursday', '08:00', 'America/Chicago').toISOString()).toBe('2026-11-05T14:00:00.000Z')
    // … 07:30 is before it, so the slot is the previous Thursday, still on summer time (CDT).
    expect(latestDigestSlot(new Date('2026-11-05T13:30:00Z'), 'thursday', '08:00', 'America/Chicago').toISOString()).toBe('2026-10-29T13:00:00.000Z')
    expect(latestDigestSlot(new Date('2026-11-05T14:00:00Z'), 'thursday', '08:00', 'America/Chicago').toISOString()).toBe('2026-11-05T14:00:00.000Z')
    expect(latestDigestSlot(new Date('2026-11-09T03:00:00Z'), 'sunday', '20:30', 'Europe/London').toISOString()).toBe('2026-11-08T20:30:00.000Z')
  })

  it('creates one digest per week at the clinic-local time, skips empty weeks, and only once', async () => {
    expect(await createDueDigest(payload, new Date('2026-11-05T14:30:00Z'))).toEqual({ outcome: 'disabled' })

    // First seen enabled: the period starts at the latest slot, nothing is sent yet.
    await setDigest({ enabled: true, day: 'thursday', time: '08:00', lastDigestAt: null })
    expect(await createDueDigest(payload, new Date('2026-11-05T14:30:00Z'))).toMatchObject({ outcome: 'initialised' })
    expect(await lastDigestAt()).toBe('2026-11-05T14:00:00.000Z')

    // Two articles published during the week (one before the period, one draft: not included).
    await publishedArticle({ title: 'Before the period', publishedAt: '2026-11-04T12:00:00.000Z' })
    const monday = await publishedArticle({ title: 'Monday piece', publishedAt: '2026-11-09T15:00:00.000Z' })
    const wednesday = await publishedArticle({ title: 'Wednesday piece', publishedAt: '2026-11-11T15:00:00.000Z' })
    await draftArticle({ title: 'Not yet', publishedAt: '2026-11-10T15:00:00.000Z' })

    // Thursday 07:59 clinic time: not yet.
    expect(await createDueDigest(payload, new Date('2026-11-12T13:59:00Z'))).toEqual({ outcome: 'not-due' })
    expect(await digests()).toHaveLength(0)

    // 08:00 has passed: three workers check at once, one digest results.
    const now = new Date('2026-11-12T14:00:20Z')
    const outcomes = await Promise.all([createDueDigest(payload, now), createDueDigest(payload, now), createDueDigest(payload, now)])
    expect(outcomes.filter((o) => o.outcome === 'created')).toHaveLength(1)
    const [digest, ...more] = await digests()
    expect(more).toHaveLength(0)
    expect(digest).toMatchObject({
      template: 'digest',
      status: 'scheduled',
      audience: 'all',
      featuredArticles: [wednesday.id, monday.id],
      digestSince: '2026-11-05T14:00:00.000Z',
    })
    expect(await lastDigestAt()).toBe('2026-11-12T14:00:00.000Z')
    // Later ticks the same week do nothing.
    expect(await createDueDigest(payload, new Date('2026-11-12T18:00:00Z'))).toEqual({ outcome: 'not-due' })

    // A week with no new articles: skipped, and the period moves on.
    expect(await createDueDigest(payload, new Date('2026-11-19T14:01:00Z'))).toMatchObject({ outcome: 'skipped-empty' })
    expect(await digests()).toHaveLength(1)
    expect(await lastDigestAt()).toBe('2026-11-19T14:00:00.000Z')

    // The settings survive the bookkeeping write.
    const settings = (await payload.findGlobal({ slug: 'clinic', depth: 0 })).newsletterDigest
    expect(settings).toMatchObject({ enabled: true, day: 'thursday', time: '08:00' })
    await setDigest({ enabled: false })
  })
})
