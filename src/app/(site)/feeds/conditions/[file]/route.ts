import config from '@payload-config'
import { getPayload } from 'payload'

import { conditionFeedResponse } from '../../../../../feeds/articleFeeds'
import { feedProblem } from '../../../../../feeds/responses'

export const dynamic = 'force-dynamic'

/** `/feeds/conditions/<slug>.rss`: the articles about one published condition (src/feeds/articleFeeds.ts). */
export const GET = async (_request: Request, { params }: { params: Promise<{ file: string }> }) => {
  const { file } = await params
  if (!file.endsWith('.rss')) return feedProblem(404, 'Condition feeds are RSS: /feeds/conditions/<slug>.rss.')
  return conditionFeedResponse(await getPayload({ config }), file.slice(0, -'.rss'.length))
}
