/** `PREVIEW_TOKEN_TTL`: how long a preview token lives, in whole seconds (default 3600: one hour; at most 7 days). */
export const DEFAULT_PREVIEW_TOKEN_TTL_SECONDS = 60 * 60
const MAX_PREVIEW_TOKEN_TTL_SECONDS = 7 * 24 * 60 * 60

let warned = false

export const previewTokenTtlMs = (raw = process.env.PREVIEW_TOKEN_TTL): number => {
  const text = raw?.trim()
  if (!text) return DEFAULT_PREVIEW_TOKEN_TTL_SECONDS * 1000
  const seconds = Number(text)
  if (Number.isInteger(seconds) && seconds > 0 && seconds <= MAX_PREVIEW_TOKEN_TTL_SECONDS) return seconds * 1000
  if (!warned) {
    warned = true
    console.error(
      `PREVIEW_TOKEN_TTL="${text}" is not a whole number of seconds between 1 and ${MAX_PREVIEW_TOKEN_TTL_SECONDS}: ` +
        `using ${DEFAULT_PREVIEW_TOKEN_TTL_SECONDS} (one hour).`,
    )
  }
  return DEFAULT_PREVIEW_TOKEN_TTL_SECONDS * 1000
}

/** `PREVIEW_URL`: the preview URL template used when the clinic global has none (same placeholders). */
export const previewUrlFromEnv = (): string | null => process.env.PREVIEW_URL?.trim() || null
