import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

const DEV_SECRET_FILE = path.resolve('data/.dev-payload-secret')

/**
 * `PAYLOAD_SECRET` signs sessions and (later) subscriber links. Production refuses to
 * start without it. Development generates one and keeps it in ./data so logins survive
 * restarts, and says so, loudly, once.
 */
let resolved: string | undefined

export const resolvePayloadSecret = (): string => (resolved ??= readOrCreateSecret())

const readOrCreateSecret = (): string => {
  const fromEnv = process.env.PAYLOAD_SECRET?.trim()
  if (fromEnv) return fromEnv

  // `next build` evaluates the config without serving anything; the secret is needed at run time only.
  const building = process.env.NEXT_PHASE === 'phase-production-build'
  if (process.env.NODE_ENV === 'production' && !building) {
    console.error('PAYLOAD_SECRET is not set. Production refuses to start without it: set it to a long random string (openssl rand -hex 32).')
    process.exit(1)
  }
  if (building) return 'build-time-placeholder-never-used-to-sign'

  try {
    return fs.readFileSync(DEV_SECRET_FILE, 'utf8').trim()
  } catch {
    const generated = crypto.randomBytes(32).toString('hex')
    fs.mkdirSync(path.dirname(DEV_SECRET_FILE), { recursive: true })
    fs.writeFileSync(DEV_SECRET_FILE, generated, { mode: 0o600 })
    console.warn(`PAYLOAD_SECRET is not set: generated a development secret in ${DEV_SECRET_FILE}. Set PAYLOAD_SECRET in production.`)
    return generated
  }
}
