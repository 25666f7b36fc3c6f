import type { Payload } from 'payload'

import type { Newsletter } from '../../payload-types'
import { NEWSLETTER_STORE_LIMITS } from './config'
import type { Id } from './store/shared'
import { findAudiencePage } from './store/snapshot'

/**
 * Who a newsletter goes to, before it goes: the size the owner confirms ("Send to 1,234
 * confirmed subscribers now?") and the audience mistakes refused on scheduling. The count
 * walks the same pages, by the same rule (`findAudiencePage`: confirmed, and for a topic
 * audience those with a chosen topic or none), as the snapshot that the worker takes when
 * the send starts, so the two can only differ by who subscribes or leaves in between.
 */

export type Audience = Pick<Newsletter, 'audience' | 'audienceTopics'>

const PAGE = NEWSLETTER_STORE_LIMITS.audiencePage

/** Why this audience cannot be sent to, or null. */
export const audienceProblem = (audience: Partial<Audience>): { path: string; message: string } | null =>
  audience.audience === 'topics' && !(audience.audienceTopics ?? []).length
    ? { path: 'audienceTopics', message: 'Choose at least one condition for a topic audience, or send to all subscribers.' }
    : null

/** How many subscribers the snapshot would copy if the send started now. */
export const countAudience = async (payload: Payload, audience: Audience): Promise<number> => {
  let cursor: Id | null = null
  let total = 0
  for (;;) {
    const page = await findAudiencePage(payload, audience, cursor, PAGE)
    total += page.subscribers.length
    if (page.scanned < PAGE || page.lastId === null) return total
    cursor = page.lastId
  }
}
