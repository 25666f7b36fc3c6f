import type { FieldHook } from 'payload'

import { checkEmailAddress } from '../../../src/subscribers/emailAddress'

/**
 * `emailKey` is derived, never typed: the whole address lower-cased, so `Pat@x.com` and
 * `PAT@x.com` are one subscriber (the unique index is on this key; `email` keeps the
 * spelling the person used). Whatever a caller sends for it is replaced.
 */
export const setEmailKey: FieldHook = ({ siblingData, originalDoc, value }) => {
  const email = siblingData?.email ?? originalDoc?.email
  const checked = checkEmailAddress(email)
  return checked.ok ? checked.key : value
}
