/**
 * Generated published content for `npm run bench:search`: documents shaped like the clinic's
 * (titles, excerpts, a few paragraphs of rich text, symptoms), from a fixed vocabulary and a
 * seeded random generator, so every run indexes the same text.
 */
const VOCABULARY = (
  'massage therapy muscle tension pain relief shoulder neck back hip knee wrist ankle posture stretch stretching release trigger point ' +
  'myofascial deep tissue lymphatic drainage swelling recovery surgery injury sports work accident stress anxiety sleep headache migraine ' +
  'circulation flexibility mobility stiffness inflammation arthritis joint tendon ligament nerve numbness tingling sciatica spine pelvis ' +
  'session therapist clinic treatment plan referral insurance physician doctor exercise home care breathing relaxation tightness knots ' +
  'chronic acute gentle pressure technique assessment range motion strength balance desk computer driving lifting running cycling ' +
  'pregnancy prenatal postnatal scar tissue mobilisation friction fascia hydration heat ice rest movement habit routine weekly monthly'
).split(' ')

const PSEUDO_SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tas', 'vu', 'zor', 'pel', 'qui', 'dan', 'sor', 'bel']

export const seededRandom = (seed: number) => () => {
  seed = (seed * 1664525 + 1013904223) >>> 0
  return seed / 2 ** 32
}

const pick = <T>(random: () => number, list: readonly T[]) => list[Math.floor(random() * list.length)]

/** Mostly clinic words, one in eight an invented word (rare terms, as real text has). */
const word = (random: () => number) =>
  random() < 0.125 ? Array.from({ length: 2 + Math.floor(random() * 2) }, () => pick(random, PSEUDO_SYLLABLES)).join('') : pick(random, VOCABULARY)

const sentence = (random: () => number, words: number) => {
  const text = Array.from({ length: words }, () => word(random)).join(' ')
  return `${text[0].toUpperCase()}${text.slice(1)}.`
}

const paragraph = (random: () => number) => Array.from({ length: 3 + Math.floor(random() * 4) }, () => sentence(random, 8 + Math.floor(random() * 10))).join(' ')

export const richTextOf = (paragraphs: string[]) => ({
  root: {
    type: 'root',
    format: '',
    indent: 0,
    version: 1,
    direction: 'ltr',
    children: paragraphs.map((text) => ({
      type: 'paragraph',
      format: '',
      indent: 0,
      version: 1,
      direction: 'ltr',
      textFormat: 0,
      children: [{ type: 'text', text, format: 0, style: '', mode: 'normal', detail: 0, version: 1 }],
    })),
  },
})

export type GeneratedDocument = { collection: 'articles' | 'conditions' | 'services' | 'faqs'; data: Record<string, unknown> }

/** `count` documents: 60 % articles, 15 % conditions, 10 % services, 15 % FAQs. */
export const generateDocuments = (count: number, seed = 18): GeneratedDocument[] => {
  const random = seededRandom(seed)
  return Array.from({ length: count }, (_, index): GeneratedDocument => {
    const share = index % 20
    const title = sentence(random, 4 + Math.floor(random() * 4)).replace(/\.$/, '')
    const slug = `bench-${index}-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 60)}`
    const body = richTextOf(Array.from({ length: 2 + Math.floor(random() * 3) }, () => paragraph(random)))
    if (share < 12) return { collection: 'articles', data: { _status: 'published', title, slug, excerpt: sentence(random, 18), content: body } }
    if (share < 15) {
      return {
        collection: 'conditions',
        data: {
          _status: 'published',
          name: title.slice(0, 110),
          slug,
          summary: sentence(random, 20),
          howMassageHelps: body,
          symptoms: Array.from({ length: 4 }, () => ({ symptom: sentence(random, 6) })),
        },
      }
    }
    if (share < 17) {
      return {
        collection: 'services',
        data: { _status: 'published', name: title.slice(0, 110), slug, summary: sentence(random, 16), description: body, options: [{ durationMinutes: 60, price: 90 }] },
      }
    }
    return { collection: 'faqs', data: { _status: 'published', question: `${title}?`, answer: body } }
  })
}

/**
 * The 20 representative queries: names, plurals, typos, symptoms, multi-word phrases, a prefix
 * (search-as-you-type) and words of the generated text; `expect` is a title the first results
 * must include on the demo content (null: generated text only, no single right answer).
 */
export const QUERIES: Array<{ q: string; expect: string | null }> = [
  { q: 'frozen shoulder', expect: 'Frozen shoulder (adhesive capsulitis)' },
  { q: 'frozn sholder', expect: 'Frozen shoulder (adhesive capsulitis)' },
  { q: 'shoulders', expect: null },
  { q: 'carpal tunnel', expect: 'Carpal tunnel syndrome' },
  { q: 'carpel tunel', expect: 'Carpal tunnel syndrome' },
  { q: 'sciatica', expect: 'Sciatica' },
  { q: 'siatica', expect: 'Sciatica' },
  { q: 'low back pain', expect: 'Low back pain' },
  { q: 'headaches', expect: 'Tension headaches' },
  { q: 'fibromyalgai', expect: 'Fibromyalgia' },
  { q: 'lymphatic drainage', expect: 'Manual lymphatic drainage' },
  { q: 'insurance cover', expect: 'Does health insurance cover medical massage?' },
  { q: 'numbness tingling', expect: null },
  { q: 'myofascial release', expect: 'Myofascial release session' },
  { q: 'joint replacement', expect: null },
  { q: 'hip flexors', expect: 'Tight hip flexors' },
  { q: 'thor', expect: null },
  { q: 'deep tissue massage for neck stiffness', expect: null },
  { q: 'prenatal relaxation', expect: null },
  { q: 'trigger point knots', expect: null },
]
