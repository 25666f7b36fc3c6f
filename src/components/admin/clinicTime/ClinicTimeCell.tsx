import type { DefaultServerCellComponentProps } from 'payload'
import { formatAdminURL } from 'payload/shared'
import React from 'react'

import { formatClinicTime } from '../../../utilities/clinicTime'
import { clinicTimeZone } from './clinicTimeZone'

/**
 * A date column in a list, on the clinic's clock with the zone shown, instead of Payload's
 * default (the reader's browser zone, unnamed). Rendered on the server with the list.
 */
export const ClinicTimeCell = async ({ cellData, collectionSlug, link, linkURL, payload, rowData }: DefaultServerCellComponentProps) => {
  const text = formatClinicTime(cellData as string | undefined, await clinicTimeZone(payload))
  const time = text ? <time dateTime={new Date(cellData as string).toISOString()}>{text}</time> : null
  if (!link || !rowData?.id) return time
  // The first column links to the document, whichever field it shows.
  const href =
    linkURL ??
    formatAdminURL({ adminRoute: payload.config.routes.admin, path: `/collections/${collectionSlug}/${encodeURIComponent(String(rowData.id))}` })
  return <a href={href}>{time ?? String(rowData.id)}</a>
}
