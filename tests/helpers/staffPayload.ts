import { createStaff, PASSWORD } from './fixtures'
import { startTestPayload, type TestPayload } from './payload'

/**
 * The usual start of a test file that calls the REST handlers as staff: a test Payload
 * (tests/helpers/payload.ts), the admin and editor accounts, the editor's token, and —
 * when given — the clinic's settings.
 */
export const startStaffPayload = async (name: string, clinic?: Record<string, unknown>) => {
  const ctx: TestPayload = await startTestPayload(name)
  const http = await import('./http')
  const staff = await createStaff(ctx.payload)
  const editorToken = await http.login('editor@clinic.test', PASSWORD)
  if (clinic) await ctx.payload.updateGlobal({ slug: 'clinic', data: clinic as never })
  return { ctx, http, staff, editorToken }
}

export type StaffPayload = Awaited<ReturnType<typeof startStaffPayload>>

/** The settings the scheduling tests need: the clinic's own timezone. */
export const SCHEDULING_CLINIC = { name: 'Clinic', bookingUrl: 'https://example.com/book', timezone: 'America/Chicago' }
