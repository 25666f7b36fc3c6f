import type { Subscriber } from '../../payload-types'
import { unsubscribeUrl } from './links'
import { html, resubscribeForm, safe } from './pages'
import type { Topic, TopicChoice } from './topics'

/** What the form shows: the stored preferences, or what was just submitted (to correct it). */
export type PreferencesState = { name: string; choice: TopicChoice; slugs: string[] }

export const storedPreferences = (subscriber: Subscriber, topics: Topic[]): PreferencesState => {
  const ids = new Set((subscriber.topics ?? []).map((topic) => (typeof topic === 'object' ? topic.id : topic)))
  const slugs = topics.filter((topic) => ids.has(topic.id)).map((topic) => topic.slug)
  // Stored, no topics means all of them.
  return { name: subscriber.name ?? '', choice: ids.size ? 'chosen' : 'all', slugs }
}

/** One sentence saying what the subscriber will receive, so a save is never silent about it. */
export const describeTopics = (state: PreferencesState, topics: Topic[]) =>
  state.choice === 'all' ? 'You will hear from us about all topics.' : `You will hear from us about: ${topics.filter((topic) => state.slugs.includes(topic.slug)).map((topic) => topic.name).join(', ')}.`

const radio = (value: TopicChoice, checked: boolean, label: string) =>
  safe(html`<label><input type="radio" name="topicChoice" value="${value}"${safe(checked ? ' checked' : '')}> ${label}</label>`)

/**
 * Name, "all topics" or the chosen ones, and the way out. "All topics" is a choice of its own:
 * with "only these" selected, ticking nothing is refused (NO_TOPIC_CHOSEN), not read as all.
 * Plain HTML: without JavaScript both radios and the ticks are always there; under "All
 * topics" the list is dimmed (CSS `:has`) and ignored on save.
 */
export const preferencesForm = ({
  subscriber,
  token,
  topics,
  state,
  notice,
}: {
  subscriber: Subscriber
  token: string
  topics: Topic[]
  state: PreferencesState
  notice?: { text: string; error?: boolean }
}) => html`${notice ? safe(html`<p role="${notice.error ? 'alert' : 'status'}" class="notice${notice.error ? ' error' : ''}"><strong>${notice.text}</strong></p>`) : ''}
${subscriber.status === 'unsubscribed' ? safe(html`<p>You are unsubscribed: <strong>${subscriber.email}</strong> receives none of our emails.</p>${resubscribeForm(subscriber.email)}`) : ''}
<form method="post" action="/email/preferences?token=${token}">
<label for="name">Your name (optional)</label>
<input id="name" name="name" type="text" maxlength="100" autocomplete="name" value="${state.name}">
<fieldset>
<legend>Which topics would you like to hear about?</legend>
${radio('all', state.choice === 'all', 'All topics')}
${radio('chosen', state.choice === 'chosen', 'Only the topics I tick:')}
<fieldset class="topic-list" aria-label="Topics">
${topics.map((topic) => safe(html`<label><input type="checkbox" name="topics" value="${topic.slug}"${safe(state.slugs.includes(topic.slug) ? ' checked' : '')}> ${topic.name}</label>`))}
</fieldset>
</fieldset>
<button type="submit">Save my preferences</button>
</form>
${subscriber.status === 'unsubscribed' ? '' : safe(html`<form method="post" action="${unsubscribeUrl(subscriber).replace(/^https?:\/\/[^/]+/, '')}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit" class="secondary">Unsubscribe from all emails</button>
</form>`)}`
