/**
 * Run as a child process by tests/int/shared-limiter.int.spec.ts: starts its own Payload on
 * DATABASE_URI, waits for "go" on stdin (so both children consume at the same moment), then
 * consumes CONSUME_ATTEMPTS points from the shared limiter and prints how many were allowed.
 */
import { getPayload } from 'payload'

import config from '../../payload.config'
import { createSharedLimiter } from '../../src/security/sharedLimiter'

const payload = await getPayload({ config })
const limiter = createSharedLimiter(payload, { keyPrefix: 'contract', points: Number(process.env.LIMIT_POINTS), duration: 60 })
process.stdout.write('ready\n')
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()))

let allowed = 0
let refused = 0
await Promise.all(
  Array.from({ length: Number(process.env.CONSUME_ATTEMPTS) }, async () => {
    try {
      await limiter.consume('one-key')
      allowed++
    } catch (error) {
      if (error instanceof Error) throw error
      refused++
    }
  }),
)
process.stdout.write(`${JSON.stringify({ allowed, refused })}\n`)
await payload.destroy()
process.exit(0)
