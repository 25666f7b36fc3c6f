import { createHash, timingSafeEqual } from 'node:crypto'

/** Helpers the providers' parsers share. */

export const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : undefined)
export const obj = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
export const bareMessageId = (value: string) => value.trim().replace(/^<|>$/g, '')

/** Equal strings, compared in constant time whatever their lengths (hashed first, so lengths leak nothing). */
export const sameSecret = (given: string, expected: string) =>
  timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest())

/** An ISO time from a provider's date string or unix seconds; `fallback` when absent or unreadable. */
export const isoTime = (value: unknown, fallback: Date): string => {
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' && value.trim() ? Date.parse(value) : NaN
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : fallback.toISOString()
}

export const joinReason = (...parts: unknown[]): string | undefined => {
  const words = parts.map(str).filter((part): part is string => !!part)
  return words.length ? [...new Set(words)].join(' — ').slice(0, 500) : undefined
}
