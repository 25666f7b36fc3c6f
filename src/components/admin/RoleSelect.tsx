'use client'

import { SelectField, useAuth } from '@payloadcms/ui'
import type { SelectFieldClientProps } from 'payload'
import React from 'react'

/**
 * The role choice, for accounts an admin creates or edits. The first-user form, where no one
 * is signed in yet, shows none: that account is always an admin (assignFirstUserAdmin).
 * A component rather than `admin.condition`, which would make `roles` optional in the
 * generated types and the GraphQL schema.
 */
export const RoleSelect = (props: SelectFieldClientProps) => {
  const { user } = useAuth()
  return user ? <SelectField {...props} /> : null
}
