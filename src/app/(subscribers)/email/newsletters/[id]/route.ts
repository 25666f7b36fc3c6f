import config from '@payload-config'
import { getPayload } from 'payload'

import { findArchivedNewsletter, renderWebVersion } from '../../../../../../emails/newsletters/webVersion'
import { renderPage } from '../../../../../subscribers/pages'

export const dynamic = 'force-dynamic'

/**
 * The email as a web page: no scripts, no forms, images from anywhere (emails link them
 * absolutely), inline styles only. The copy holds no reader's details (webVersion.ts).
 */
const COPY_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'public, max-age=300',
}

/** "View in browser": `GET /email/newsletters/<id>`, the sent newsletter's public copy; 404 when it is not (yet) archived. */
export const GET = async (_request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const payload = await getPayload({ config })
  const { id: raw } = await params
  const id = payload.db.defaultIDType === 'number' ? (/^\d{1,15}$/.test(raw) ? Number(raw) : null) : /^[A-Za-z0-9_-]{1,64}$/.test(raw) ? raw : null
  const newsletter = id === null ? null : await findArchivedNewsletter(payload, id)
  if (!newsletter) {
    const clinic = await payload.findGlobal({ slug: 'clinic', depth: 0 })
    return renderPage({
      clinic,
      status: 404,
      title: 'No such newsletter',
      body: '<p>This newsletter is not in the archive: it has not been sent yet, or it is not published on the web.</p><p><a href="/email/newsletters">All newsletters</a></p>',
    })
  }
  const copy = await renderWebVersion(payload, newsletter)
  return new Response(copy.html, { headers: COPY_HEADERS })
}
