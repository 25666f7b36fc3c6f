/**
 * A whole number >= 1 from the environment, `fallback` when unset; anything else stops the
 * bench with one line naming the variable (a bench run on a typo measures the wrong thing).
 */
export const positiveIntFromEnv = (name: string, fallback: number) => {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a whole number >= 1 (got "${raw}").`)
    process.exit(1)
  }
  return value
}
