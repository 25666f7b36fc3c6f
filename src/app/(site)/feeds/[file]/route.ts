import config from '@payload-config'
import { getPayload } from 'payload'

import { articleFeedFormat, articlesFeedResponse } from '../../../../feeds/articleFeeds'
import { feedProblem } from '../../../../feeds/responses'

export const dynamic = 'force-dynamic'

/** `/feeds/articles.rss`, `/feeds/articles.atom`, `/feeds/articles.json` (src/feeds/articleFeeds.ts). */
export const GET = async (_request: Request, { params }: { params: Promise<{ file: string }> }) => {
  const { file } = await params
  const format = articleFeedFormat(file)
  if (!format) return feedProblem(404, 'No such feed: /feeds/articles.rss, /feeds/articles.atom, /feeds/articles.json or /feeds/conditions/<slug>.rss.')
  return articlesFeedResponse(await getPayload({ config }), format)
}
