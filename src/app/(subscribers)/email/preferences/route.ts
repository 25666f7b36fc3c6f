import config from '@payload-config'
import { getPayload } from 'payload'

import { goneLinkPage, html, renderPage } from '../../../../subscribers/pages'
import { isAcceptableName, NAME_RULE } from '../../../../subscribers/personName'
import { describeTopics, preferencesForm, storedPreferences, type PreferencesState } from '../../../../subscribers/preferencesForm'
import { findByManageToken, updatePreferences } from '../../../../subscribers/service'
import { chooseTopics, publishedTopics } from '../../../../subscribers/topics'

export const dynamic = 'force-dynamic'

const TITLE = 'Your email preferences'

/** The page's context: the clinic, and the subscriber the signed link names (or the error page). */
const open = async (request: Request) => {
  const payload = await getPayload({ config })
  const clinic = await payload.findGlobal({ slug: 'clinic', depth: 0 })
  const token = new URL(request.url).searchParams.get('token') ?? ''
  const found = await findByManageToken(payload, token)
  const invalid =
    found.kind === 'ok'
      ? null
      : found.kind === 'gone'
        ? goneLinkPage(clinic)
        : renderPage({ clinic, status: 400, title: 'This link does not work', body: html`<p>Use the preferences link in any of our emails exactly as it arrived.</p>` })
  return { payload, clinic, token, found, invalid }
}

/** Reached from a signed link in every email: change name and topics, or leave. */
export const GET = async (request: Request) => {
  const { payload, clinic, token, found, invalid } = await open(request)
  if (found.kind !== 'ok') return invalid!
  const topics = await publishedTopics(payload)
  const state = storedPreferences(found.subscriber, topics)
  return renderPage({ clinic, title: TITLE, body: preferencesForm({ subscriber: found.subscriber, token, topics, state }) })
}

export const POST = async (request: Request) => {
  const { payload, clinic, token, found, invalid } = await open(request)
  if (found.kind !== 'ok') return invalid!
  const fields = await request.formData().catch(() => null)
  if (!fields) return renderPage({ clinic, status: 400, title: 'Nothing was saved', body: html`<p>The form could not be read. Please try again.</p>` })
  const topics = await publishedTopics(payload)
  const slugs = fields.getAll('topics').map(String)
  const choiceField = fields.get('topicChoice')
  const submitted: PreferencesState = {
    name: String(fields.get('name') ?? '').trim(),
    choice: choiceField === 'all' || choiceField === 'chosen' ? choiceField : slugs.length ? 'chosen' : 'all',
    slugs,
  }
  const unknown = slugs.filter((slug) => !topics.some((topic) => topic.slug === slug))
  // A form from before "All topics" existed sends no choice: its ticks (none = all) stand.
  const chosen = chooseTopics(choiceField ?? undefined, slugs)
  const problem = !isAcceptableName(submitted.name) ? NAME_RULE : unknown.length ? `Unknown topic: ${unknown.join(', ')}.` : !chosen.ok ? chosen.message : null
  if (problem || !chosen.ok) {
    const body = preferencesForm({ subscriber: found.subscriber, token, topics, state: submitted, notice: { text: `Nothing was saved. ${problem}`, error: true } })
    return renderPage({ clinic, status: 400, title: TITLE, body })
  }
  const updated = await updatePreferences(payload, found.subscriber, {
    name: submitted.name,
    topicIds: topics.filter((topic) => chosen.slugs.includes(topic.slug)).map((topic) => topic.id),
  })
  const state = storedPreferences(updated, topics)
  return renderPage({ clinic, title: TITLE, body: preferencesForm({ subscriber: updated, token, topics, state, notice: { text: `Saved. ${describeTopics(state, topics)}` } }) })
}
