'use client'

import {
  PublishButton as PayloadPublishButton,
  ServerFunctionsContext,
  useDocumentInfo,
  useModal,
  useServerFunctions,
  type ServerFunctionsContextType,
} from '@payloadcms/ui'
import type { PublishButtonClientProps } from 'payload'
import React, { useEffect, useMemo } from 'react'

import { WorkerNoticeInDrawer } from './WorkerNoticeInDrawer'

/**
 * Payload's own Publish button and Schedule drawer, with two of Payload 3.90's behaviours
 * put right (registered for the schedulable collections by jobs/scheduling/adminComponents.ts):
 *
 * 1. The drawer preselects "Unpublish" unless the document has unpublished versions
 *    (`defaultType={!hasNewerVersions ? 'unpublish' : 'publish'}` in
 *    @payloadcms/ui PublishButton). A never-published draft has none (Payload only counts
 *    drafts newer than a published version), so it offered to unpublish what was never
 *    online. While the document has no published version, it is told that one draft is
 *    waiting: exactly what a never-published draft is, and the drawer then defaults to
 *    "Publish". Nothing else reads that count while there is no published version (the
 *    status says "Draft", the button stays enabled). A published document keeps
 *    Payload's default: Unpublish, or Publish when a newer draft waits.
 * 2. The drawer reports success whatever the server answered: its `schedulePublish` never
 *    throws. Here an `{ error }` answer becomes a thrown error, which the drawer shows as a
 *    toast (the message comes from schedulePublishServerFunction.ts).
 * 3. While no worker is alive, the drawer says so ("Scheduled publishing and newsletters are
 *    paused…", WorkerNoticeInDrawer): a change scheduled then waits until a worker runs.
 *
 * tests/e2e/scheduling-admin.e2e.spec.ts fails if an upgrade changes either.
 */
export const PublishButton = (props: PublishButtonClientProps) => {
  const { id, hasPublishedDoc, unpublishedVersionCount, setUnpublishedVersionCount } = useDocumentInfo()
  const { isModalOpen } = useModal()
  // The drawer's slug in @payloadcms/ui PublishButton.
  const drawerOpen = isModalOpen(`schedule-publish-${id}`)
  const neverPublishedDraft = !hasPublishedDoc && !(unpublishedVersionCount > 0)
  useEffect(() => {
    if (neverPublishedDraft) setUnpublishedVersionCount(1)
  }, [neverPublishedDraft, setUnpublishedVersionCount])

  const serverFunctions = useServerFunctions()
  const reportingErrors = useMemo<ServerFunctionsContextType>(
    () => ({
      ...serverFunctions,
      schedulePublish: async (args) => {
        const result = await serverFunctions.schedulePublish(args)
        if (result && typeof result === 'object' && 'error' in result && result.error) throw new Error(String(result.error))
        return result
      },
    }),
    [serverFunctions],
  )

  return (
    <ServerFunctionsContext value={reportingErrors}>
      <PayloadPublishButton {...props} />
      <WorkerNoticeInDrawer open={drawerOpen} />
    </ServerFunctionsContext>
  )
}
