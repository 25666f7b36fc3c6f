/**
 * Depth, node count and text size of every rich-text value in the demo content (src/seed),
 * the yardstick for the limits in src/fields/richText.ts:
 * `NODE_OPTIONS=--conditions=production npx tsx bench/richtext-hostile/seed-stats.ts`.
 */
import { startTestPayload, stopTestPayload } from '../../tests/helpers/payload'

delete process.env.SEED_DEMO_CONTENT
const ctx = await startTestPayload('seed-stats')
const fields = { articles: ['content'], conditions: ['howMassageHelps'], services: ['description'], faqs: ['answer'], newsletters: ['intro'] } as const

type Node = { children?: Node[]; text?: string }
const stats = (value: unknown) => {
  let depth = 0
  let nodes = 0
  let textLength = 0
  const stack: Array<[Node, number]> = [[(value as { root: Node }).root, 0]]
  while (stack.length) {
    const [node, level] = stack.pop()!
    if (level > 0) nodes++
    depth = Math.max(depth, level)
    if (typeof node.text === 'string') textLength += node.text.length
    for (const child of node.children ?? []) stack.push([child, level + 1])
  }
  return { depth, nodes, textLength }
}

for (const [collection, names] of Object.entries(fields)) {
  const { docs } = await ctx.payload.find({ collection: collection as 'articles', limit: 0, pagination: false, depth: 0, draft: true })
  const all = docs.flatMap((doc) => names.map((name) => (doc as unknown as Record<string, unknown>)[name]).filter(Boolean)).map(stats)
  const max = (key: keyof ReturnType<typeof stats>) => Math.max(0, ...all.map((s) => s[key]))
  console.log(JSON.stringify({ collection, values: all.length, maxDepth: max('depth'), maxNodes: max('nodes'), maxTextLength: max('textLength') }))
}
await stopTestPayload(ctx)
process.exit(0)
