import config from '@payload-config'
import { getPayload } from 'payload'

import { listArchive } from '../../../../../emails/newsletters/webVersion'
import { html, renderPage, safe } from '../../../../subscribers/pages'

export const dynamic = 'force-dynamic'

const PAGE_SIZE = 20

/** The public archive of sent newsletters (those with "web version" on), newest first, 20 a page (`?page=`). */
export const GET = async (request: Request) => {
  const payload = await getPayload({ config })
  const clinic = await payload.findGlobal({ slug: 'clinic', depth: 0 })
  const raw = new URL(request.url).searchParams.get('page') ?? '1'
  const page = /^\d{1,4}$/.test(raw) ? Math.max(1, Number(raw)) : 1
  const archive = await listArchive(payload, { page, limit: PAGE_SIZE })
  // `html` returns escaped strings: nested ones go in as `safe`.
  const items = archive.docs.map((item) =>
    safe(html`<li><a href="${item.url}">${item.subject}</a>${item.sentAt ? safe(html` <small>(${new Date(item.sentAt).toISOString().slice(0, 10)})</small>`) : ''}</li>`),
  )
  const more = archive.page < archive.totalPages ? safe(html`<p><a href="?page=${archive.page + 1}">Older newsletters</a></p>`) : ''
  return renderPage({
    clinic,
    title: 'Newsletter archive',
    body: html`<p>Every newsletter we have sent, as it read on the day.</p>
${items.length ? safe(html`<ul>${items}</ul>`) : safe(html`<p>Nothing here yet.</p>`)}
${more}`,
    headers: { 'Cache-Control': 'public, max-age=300' },
  })
}
