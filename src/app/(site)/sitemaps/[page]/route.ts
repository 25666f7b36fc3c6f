import config from '@payload-config'
import { getPayload } from 'payload'

import { sitemapResponse } from '../../../../feeds/sitemap'
import { feedProblem } from '../../../../feeds/responses'

export const dynamic = 'force-dynamic'

/** `/sitemap-<n>.xml` (rewritten here by next.config.mjs): one page of the sitemap index (src/feeds/sitemap.ts). */
export const GET = async (_request: Request, { params }: { params: Promise<{ page: string }> }) => {
  const { page } = await params
  if (!/^\d{1,7}$/.test(page)) return feedProblem(404, 'Sitemap pages are /sitemap-1.xml, /sitemap-2.xml, …')
  return sitemapResponse(await getPayload({ config }), Number(page))
}
