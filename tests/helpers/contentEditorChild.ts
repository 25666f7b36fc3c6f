/**
 * Run as a child process (tests/int/search-freshness.int.spec.ts, bench/search): its own Payload
 * on DATABASE_URI, another process than the one that searches. Prints "ready", then runs one
 * Local API write per JSON line on stdin (`{ "op": "create" | "update" | "delete", "collection",
 * "id"?, "data"?, "draft"? }`) and answers each with one JSON line (`{ "id" }` or `{ "error" }`).
 */
import readline from 'node:readline'

import { getPayload } from 'payload'

import config from '../../payload.config'

const payload = await getPayload({ config })
process.stdout.write('ready\n')

for await (const line of readline.createInterface({ input: process.stdin })) {
  if (!line.trim()) continue
  try {
    const { op, collection, id, data, draft } = JSON.parse(line)
    const doc =
      op === 'create'
        ? await payload.create({ collection, data, draft })
        : op === 'update'
          ? await payload.update({ collection, id, data, draft })
          : await payload.delete({ collection, id })
    process.stdout.write(`${JSON.stringify({ id: (doc as { id: unknown }).id })}\n`)
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: String(error) })}\n`)
  }
}
await payload.destroy()
process.exit(0)
