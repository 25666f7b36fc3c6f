import type { CollectionBeforeOperationHook } from 'payload'
import { ValidationError } from 'payload'

import { COMMON_PASSWORDS } from './commonPasswords'

/**
 * Staff passwords: at least 12 characters and not one of the most common passwords (or one
 * of them with digits and symbols around it). Length is what makes guessing slow; the list
 * catches the long ones everybody tries first ("password1234", "qwertyuiop123").
 * Payload's own check (at least 3 characters) cannot be configured, so this runs before it,
 * on every way a password is set: create (incl. the first-user form), update, reset.
 */
export const PASSWORD_MIN_LENGTH = 12
/** pbkdf2 takes any length, but nobody types more; a bound keeps requests small. */
export const PASSWORD_MAX_LENGTH = 256

/** The base of a password: lowercased, without the digits and symbols at either end. */
const baseWord = (password: string) =>
  password
    .toLowerCase()
    .replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '')
    .replace(/[\s._-]+/g, '')

/** "abcabcabcabc", "aaaaaaaaaaaa", "121212121212": one short chunk repeated. */
const isRepetition = (password: string) => /^(.{1,4})\1+$/su.test(password)

/** A reason the password is refused, or null when it is acceptable. */
export const passwordProblem = (password: string): string | null => {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return `The password must be at least ${PASSWORD_MIN_LENGTH} characters long; a few unrelated words make a good one.`
  }
  if (password.length > PASSWORD_MAX_LENGTH) return `The password must be at most ${PASSWORD_MAX_LENGTH} characters long.`
  const lower = password.toLowerCase()
  const compact = lower.replace(/[\s._-]+/g, '')
  if (COMMON_PASSWORDS.has(compact) || COMMON_PASSWORDS.has(baseWord(password)) || isRepetition(lower) || /^\d+$/.test(compact) && COMMON_PASSWORDS.has(compact.slice(0, 6))) {
    return 'This password is one of the most commonly used ones (or a variation of one) and is easy to guess. Choose another: a few unrelated words make a good one.'
  }
  return null
}

const OPERATIONS_THAT_SET_A_PASSWORD = new Set(['create', 'update', 'updateByID', 'resetPassword'])

/** Collection `beforeOperation` hook for auth collections: 400 with the reason on `password`. */
export const enforcePasswordPolicy: CollectionBeforeOperationHook<'users'> = ({ args, collection, operation }) => {
  if (!OPERATIONS_THAT_SET_A_PASSWORD.has(operation)) return args
  const password: unknown = (args as { data?: { password?: unknown } }).data?.password
  if (password === undefined || password === null || password === '') return args
  const problem = typeof password === 'string' ? passwordProblem(password) : 'The password must be text.'
  if (problem) throw new ValidationError({ collection: collection.slug, errors: [{ message: problem, path: 'password' }] })
  return args
}
