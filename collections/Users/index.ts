import type { CollectionConfig } from 'payload'

import { isAdmin, isAdminField } from '../../src/access/isAdmin'
import { isAdminOrSelf } from '../../src/access/isAdminOrSelf'
import { hasRole, ROLES } from '../../src/access/roles'
import { forgotPasswordEndpoint } from '../../src/security/forgotPasswordEndpoint'
import { forgiveSuccessfulLogin, throttleLogins } from '../../src/security/loginThrottle'
import { enforcePasswordPolicy } from '../../src/security/passwordPolicy'
import { sessionCookieIsSecure } from '../../src/security/sessionCookie'
import { assignFirstUserAdmin } from './hooks/assignFirstUserAdmin'

export const Users: CollectionConfig<'users'> = {
  slug: 'users',
  admin: {
    useAsTitle: 'email',
    defaultColumns: ['name', 'email', 'roles'],
    group: 'Settings',
  },
  auth: {
    // API keys let a preview front end read drafts without a browser session.
    useAPIKey: true,
    // Payload's per-account lock (5 failures from anywhere → locked 10 minutes) let anyone
    // lock the owner out; src/security/loginThrottle.ts throttles per address instead.
    maxLoginAttempts: 0,
    cookies: { secure: sessionCookieIsSecure(), sameSite: 'Lax' },
  },
  // Replaces Payload's forgot-password route: same operation, answered before it runs.
  endpoints: [forgotPasswordEndpoint],
  access: {
    admin: ({ req: { user } }) => hasRole(user, 'admin') || hasRole(user, 'editor'),
    create: isAdmin,
    read: isAdminOrSelf,
    update: isAdminOrSelf,
    delete: isAdmin,
    unlock: isAdmin,
  },
  hooks: {
    beforeOperation: [throttleLogins, enforcePasswordPolicy],
    afterLogin: [forgiveSuccessfulLogin],
    beforeChange: [assignFirstUserAdmin],
  },
  fields: [
    { name: 'name', type: 'text' },
    {
      name: 'roles',
      type: 'select',
      hasMany: true,
      options: ROLES.map((role) => ({ label: role[0].toUpperCase() + role.slice(1), value: role })),
      defaultValue: ['editor'],
      required: true,
      saveToJWT: true,
      // Only admins hand out roles, so an editor cannot promote themselves.
      access: { create: isAdminField, update: isAdminField },
      admin: { description: 'Admins manage users and clinic settings; editors write and publish content.' },
    },
  ],
  timestamps: true,
}
