import type { Payload } from 'payload'

/** A minimal valid Lexical document with one paragraph. */
export const richText = (text: string) => ({
  root: {
    type: 'root',
    format: '' as const,
    indent: 0,
    version: 1,
    direction: 'ltr' as const,
    children: [
      {
        type: 'paragraph',
        format: '' as const,
        indent: 0,
        version: 1,
        direction: 'ltr' as const,
        textFormat: 0,
        children: [{ type: 'text', text, format: 0, style: '', mode: 'normal' as const, detail: 0, version: 1 }],
      },
    ],
  },
})

/** Meets the staff password policy (src/security/passwordPolicy.ts: 12+ characters, not a common one). */
export const PASSWORD = 'tulip-ledger-harbour-91'

/** The first account becomes the admin; the second is an editor created by that admin. */
export const createStaff = async (payload: Payload) => {
  const admin = await payload.create({
    collection: 'users',
    // Asks for 'editor' on purpose: the first account is made admin whatever it asks for.
    data: { email: 'owner@clinic.test', password: PASSWORD, name: 'Clinic Owner', roles: ['editor'] },
  })
  const editor = await payload.create({
    collection: 'users',
    data: { email: 'editor@clinic.test', password: PASSWORD, name: 'Ed Itor', roles: ['editor'] },
    overrideAccess: true,
  })
  return { admin, editor }
}
