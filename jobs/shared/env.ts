/** A positive number from the environment, or the fallback when unset or not a positive number. */
export const numberFromEnv = (name: string, fallback: number) => {
  const value = Number(process.env[name])
  return Number.isFinite(value) && value > 0 ? value : fallback
}
