import config from '@payload-config'
import { getPayload } from 'payload'

import { sitemapResponse } from '../../../feeds/sitemap'

export const dynamic = 'force-dynamic'

/** `/sitemap.xml`: the urlset, or a sitemap index past 50,000 URLs (src/feeds/sitemap.ts). */
export const GET = async () => sitemapResponse(await getPayload({ config }))
