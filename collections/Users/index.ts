import type { CollectionConfig, Condition } from 'payload'

import { isAdmin, isAdminField } from '../../src/access/isAdmin'
import { isAdminOrSelf } from '../../src/access/isAdminOrSelf'
import { hasRole, ROLES } from '../../src/access/roles'
import { forgotPasswordEndpoint } from '../../src/security/forgotPasswordEndpoint'
import { forgiveSuccessfulLogin, throttleLogins } from '../../src/security/loginThrottle'
import { enforcePasswordPolicy } from '../../src/security/passwordPolicy'
import { sessionCookieIsSecure } from '../../src/security/sessionCookie'
import { assignFirstUserAdmin } from './hooks/assignFirstUserAdmin'

/**
 * The first account is made on /admin/create-first-user, before anyone is signed in: it is
 * always an admin (hooks/assignFirstUserAdmin.ts), so that form offers no API key (nor a
 * role: components/admin/RoleSelect). Everywhere else a signed-in user is looking.
 */
const someoneSignedIn: Condition = (_data, _siblingData, { user }) => Boolean(user)

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
    // Shown right under Payload's API-key box, which has no description of its own.
    {
      name: 'apiKeyHelp',
      type: 'ui',
      admin: {
        condition: someoneSignedIn,
        components: { Field: '/src/components/admin/ApiKeyHelp#ApiKeyHelp' },
      },
    },
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
      admin: {
        description: 'Admins manage users and clinic settings; editors write and publish content.',
        components: { Field: '/src/components/admin/RoleSelect#RoleSelect' },
      },
    },
    // Payload's API-key fields (auth.useAPIKey), merged with these: labels that say what a key
    // is for, and not on the first-user form.
    { name: 'enableAPIKey', type: 'checkbox', label: 'API key switched on', admin: { condition: someoneSignedIn } },
    {
      name: 'apiKey',
      type: 'text',
      label: 'API key for a preview website (developers only)',
      admin: { condition: someoneSignedIn },
    },
    { name: 'hasAPIKey', type: 'checkbox', admin: { condition: someoneSignedIn } },
  ],
  timestamps: true,
}
