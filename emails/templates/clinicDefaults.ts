import type { ClinicDetails } from './types'

/** The name emails carry before an admin has filled in the clinic global (a fresh install). */
export const DEFAULT_CLINIC_NAME = 'Stevenson Therapeutic Medical Massage and Facials'

/**
 * The clinic global as emails need it: on a fresh database it is empty, and an email
 * must still render (and a publish that queues an announcement must not fail over it).
 */
export const withClinicDefaults = <T extends Partial<ClinicDetails>>(clinic: T | null | undefined): T & ClinicDetails => ({
  ...(clinic ?? ({} as T)),
  name: clinic?.name?.trim() || DEFAULT_CLINIC_NAME,
})
