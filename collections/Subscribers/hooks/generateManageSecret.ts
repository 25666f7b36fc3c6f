import type { FieldHook } from 'payload'

import { newManageSecret } from '../../../src/subscribers/tokens'

/**
 * Every subscriber gets a random secret when created, carried by all their links and
 * checked in constant time. It never changes afterwards and nobody can set it; erasing the
 * subscriber destroys it, so their old links can never open whoever is stored next,
 * even when SQLite hands the same id to someone else.
 */
export const generateManageSecret: FieldHook = ({ operation, originalDoc }) =>
  operation === 'create' ? newManageSecret() : (originalDoc?.manageSecret ?? newManageSecret())
