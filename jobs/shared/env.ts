/**
 * Numbers from the environment, for every config object (jobs/*\/config.ts, src/monitoring,
 * src/server, src/query, …). One meaning each, by name:
 *
 * - `numberFromEnv(name, fallback)`: the value when it is a positive number, else `fallback`
 *   (unset, empty, `0`, negative, not a number). For knobs whose default is the fallback.
 * - `positiveNumberFromEnv(name)`: the value when it is a positive number, else `undefined`,
 *   for knobs with a default chain of their own (an explicit option, then the environment,
 *   then a default or "no limit").
 * - `hoursOrOffFromEnv(name, fallback)`: hours, where `0` means off (`SUBSCRIBE_REMINDER_HOURS`);
 *   unset, empty, negative or not a number gives `fallback`.
 *
 * Otherwise `0` is never a value here: a knob that may be zero or negative needs its own reader.
 */
export const positiveNumberFromEnv = (name: string): number | undefined => {
  const value = Number(process.env[name])
  return Number.isFinite(value) && value > 0 ? value : undefined
}

export const numberFromEnv = (name: string, fallback: number): number => positiveNumberFromEnv(name) ?? fallback

export const hoursOrOffFromEnv = (name: string, fallback: number): number => {
  const raw = process.env[name]?.trim()
  const value = raw ? Number(raw) : NaN
  return Number.isFinite(value) && value >= 0 ? value : fallback
}
