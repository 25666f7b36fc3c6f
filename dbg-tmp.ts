process.env.DATABASE_URI='file:/tmp/dbg/u.db'; process.env.SEED_DEMO_CONTENT='false'; process.env.PAYLOAD_SECRET='x'
import fs from 'node:fs'
fs.rmSync('/tmp/dbg/u.db',{force:true})
const { getPayload } = await import('payload')
const { default: config } = await import('/work/main/payload.config')
const { services } = await import('/work/main/src/seed/data/services')
const { createMarkdownConverter } = await import('/work/main/src/seed/lexical')
const payload = await getPayload({ config })
const toLexical = await createMarkdownConverter(payload)
await payload.updateGlobal({ slug: 'clinic', data: { name: 'X', bookingUrl: 'https://example.com', timezone: 'America/Chicago' } as any })
const c0 = await payload.create({ collection: 'conditions', data: { _status:'published', name: 'C0', summary: 'x' } as any })
const svc = services[0]
console.log('A')
await payload.create({ collection: 'services', overrideAccess: true, depth: 0, data: { _status:'published', name: 'S', category: 'medical', options: [{durationMinutes: 30, price: 1}] } as any })
console.log('B')
await payload.create({ collection: 'services', overrideAccess: true, depth: 0, data: { _status:'published', name: 'S2', category: 'medical', description: toLexical(svc.description), options: [{durationMinutes: 30, price: 1}] } as any })
console.log('C')
process.exit(0)
