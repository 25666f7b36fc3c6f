import { getServerUrl } from './serverUrl'

/**
 * The browser origins allowed to call the API (CORS and CSRF): this server's own URL and
 * `CORS_ORIGINS`, comma-separated. Shared by payload.config.ts and the production server,
 * which answers cached responses with the same CORS rules.
 */
export const getAllowedOrigins = (): string[] => [
  getServerUrl(),
  ...(process.env.CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean),
]
