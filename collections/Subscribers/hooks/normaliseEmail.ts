import type { FieldHook } from 'payload'

import { checkEmailAddress } from '../../../src/subscribers/emailAddress'

/** Stores every address in one form, so uniqueness holds for "Ann@Example.COM " too. */
export const normaliseEmail: FieldHook = ({ value }) => {
  const checked = checkEmailAddress(value)
  return checked.ok ? checked.email : value
}
