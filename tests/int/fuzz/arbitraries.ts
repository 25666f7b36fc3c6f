/**
 * Generators of hostile input for the fuzz runs: nasty strings, weird JSON, deep nesting, REST query strings.
 */
import fc from 'fast-check'


// ---------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------

/** Strings that broke servers before: control and line-separator characters, lone surrogates, RTL overrides, injection-shaped text. */
export const NASTY_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\u2028', '\u2029', '\uD800', '\uDFFF', 'x\uD83D', '\u202Eevil\u202C', '\u200F\u200E', '\uFEFF', '💆‍♀️',
  'Ω≈ç√∫', 'ǅǈ', 'e\u0301\u0301\u0301', '<script>alert(1)</script>', "' OR 1=1 --", '"; DROP TABLE articles; --', '%', '%00', '%25', '%%',
  '../../etc/passwd', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '{{name}}', '${7*7}', '$where', '[object Object]',
  'null', 'undefined', 'NaN', 'Infinity', '-Infinity', '-1', '0', '-0', '1e309', '9007199254740993', '0x10', 'true', '\\', '\n\r\t', '\r\n\r\n',
  '*', '.*', '(a+)+$', '[', ']', '{', '}', 'a,b,c', '-', '--', '-id', 'id,-title', '  title  ',
]

export const hugeString = fc
  .tuple(fc.integer({ min: 5_000, max: 200_000 }), fc.constantFrom('x', 'é', '💆', '\u0000', '<', '\\', '\u2028'))
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)))

export const weirdString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: hugeString },
)

export const weirdNumber = fc.oneof(
  fc.integer(),
  fc.constantFrom(-1, 0, 1, -0, 0.5, 1e21, 1e308, -1e308, 2 ** 31, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
)

export const FIELD_NAMES = [
  'id', 'title', 'slug', 'excerpt', 'content', 'conditions', 'services', 'author', 'heroImage', '_status', 'publishedAt', 'updatedAt', 'createdAt',
  'name', 'summary', 'symptoms', 'relatedArticles', 'relatedServices', 'category', 'options', 'bookingUrl', 'question', 'answer', 'order',
  'email', 'roles', 'status', 'subject', 'intro', 'featuredArticles', 'audience', 'template', 'seo', 'seo.title', 'conditions.name',
  'conditions.relatedArticles', 'author.email', 'author.hash', 'hash', 'salt', 'apiKey', 'password', 'topics', 'consent', 'url', 'secret',
  'symptoms.symptom', 'options.price', 'jsonLd', 'version', 'version.title', 'parent', 'latest', 'alt', 'filename',
]

export const fieldName = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FIELD_NAMES) }, { weight: 1, arbitrary: weirdString })

export const weirdLeaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: weirdString },
  { weight: 2, arbitrary: weirdNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, {}, [], [null], { id: 1 }, { relationTo: 'users', value: 1 }) },
)

/**
 * Deeply nested JSON is carried as its text: a stub object whose hidden DEEP_TEXT holds
 * the serialised nesting, spliced in by `toJson`. The test's own JSON.stringify (and
 * fast-check's printer) would overflow their stacks on a real object this deep; the
 * server gets the real thing.
 */
export const DEEP_TEXT = Symbol('deepText')
export const deepStub = (text: string, label: string) => {
  const stub = {}
  Object.defineProperty(stub, DEEP_TEXT, { value: text, enumerable: false })
  Object.defineProperty(stub, fc.toStringMethod, { value: () => label, enumerable: false })
  return stub
}
export const DEEP_SHAPES = {
  object: ['{"a":', '}'],
  array: ['[', ']'],
  children: ['{"type":"paragraph","version":1,"children":[', ']}'],
  quote: ['{"type":"quote","format":"","indent":0,"version":1,"direction":"ltr","children":[', ']}'],
} as const
export const deepJson = (depth: number, shape: keyof typeof DEEP_SHAPES, leafText: string) =>
  deepStub(`${DEEP_SHAPES[shape][0].repeat(depth)}${leafText}${DEEP_SHAPES[shape][1].repeat(depth)}`, `deepNesting(${depth} levels of ${shape})`)

/** JSON.stringify, with deep stubs spliced in as their text. */
export const toJson = (value: unknown): string => {
  const deepTexts: string[] = []
  const text = JSON.stringify(value, (_key, item) => {
    if (item && typeof item === 'object' && DEEP_TEXT in item) {
      deepTexts.push((item as Record<symbol, string>)[DEEP_TEXT])
      return `\u0001deep${deepTexts.length - 1}\u0001`
    }
    return item
  })
  if (text === undefined) return 'null'
  return deepTexts.length ? text.replace(/"\\u0001deep(\d+)\\u0001"/g, (_match, index) => deepTexts[Number(index)]) : text
}

/** Arbitrarily deep objects or arrays (up to a few thousand levels): recursive code must not blow its stack. */
export const deepNesting = fc
  .tuple(fc.integer({ min: 20, max: 3_000 }), fc.constantFrom('object', 'array', 'children') as fc.Arbitrary<keyof typeof DEEP_SHAPES>, weirdLeaf)
  .map(([depth, shape, leaf]) => deepJson(depth, shape, toJson(leaf)))

export const { json: weirdJson } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: weirdLeaf },
    { weight: 1, arbitrary: fc.array(tie('json'), { maxLength: 4 }) },
    { weight: 2, arbitrary: fc.dictionary(fieldName, tie('json'), { maxKeys: 4 }) },
  ),
}))

export const weirdValue = fc.oneof({ weight: 6, arbitrary: weirdJson }, { weight: 1, arbitrary: deepNesting })

/** A few bodies that are not JSON at all, or barely. */
export const notJson = fc.oneof(
  fc.constantFrom('', '{', '{"title":', 'null', '[]', '"string"', '1', 'true', '{"a":1}{"b":2}', '\uFEFF{}', '{"__proto__":{"isAdmin":true}}', 'title=x&slug=y'),
  weirdString,
)

// ----- REST query strings -----

export const OPERATORS = [
  'equals', 'not_equals', 'in', 'not_in', 'all', 'exists', 'like', 'not_like', 'contains', 'greater_than', 'greater_than_equal', 'less_than',
  'less_than_equal', 'near', 'within', 'intersects', 'EQUALS', 'eq', '$ne', 'regex', '', '__proto__',
]
export const operator = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...OPERATORS) }, { weight: 1, arbitrary: weirdString })

export type WhereTree = { field: string; op: string; value: unknown } | { join: string; items: WhereTree[] }

export const { tree: whereTree } = fc.letrec<{ tree: WhereTree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: fc.record({ field: fieldName, op: operator, value: fc.oneof(weirdLeaf, fc.array(weirdLeaf, { maxLength: 3 }), fc.dictionary(fieldName, weirdLeaf, { maxKeys: 2 })) }) },
    { weight: 1, arbitrary: fc.record({ join: fc.constantFrom('and', 'or', 'AND', 'nor', '0'), items: fc.array(tie('tree'), { maxLength: 3 }) }) },
  ),
}))

export const asQueryText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value) ?? String(value))

/** Flattens a value into qs-style bracketed pairs: a[b][0]=c. */
export const bracketPairs = (prefix: string, value: unknown, pairs: Array<[string, string]>, depth = 0) => {
  if (depth < 40 && value && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value)
    if (entries.length) {
      for (const [key, item] of entries) bracketPairs(`${prefix}[${key}]`, item, pairs, depth + 1)
      return pairs
    }
  }
  pairs.push([prefix, asQueryText(value)])
  return pairs
}

export const whereToObject = (tree: WhereTree): unknown =>
  'join' in tree ? { [tree.join]: tree.items.map(whereToObject) } : { [tree.field]: { [tree.op]: tree.value } }

/** Deep `where` nesting written out directly: where[or][0][or][0]…[title][equals]=x. */
export const deepWhere = fc.integer({ min: 5, max: 400 }).map((depth) => `where${'[or][0]'.repeat(depth)}[title][equals]=x`)

export const queryPart = fc.oneof(
  { weight: 4, arbitrary: whereTree.map((tree) => bracketPairs('where', whereToObject(tree), [])) },
  { weight: 1, arbitrary: deepWhere.map((text) => [['__raw', text]] as Array<[string, string]>) },
  { weight: 2, arbitrary: fc.oneof(fieldName, fieldName.map((name) => `-${name}`), fc.array(fieldName, { maxLength: 4 }).map((names) => names.join(','))).map((sort) => [['sort', sort]] as Array<[string, string]>) },
  ...(['limit', 'page', 'depth'] as const).map((key) => ({
    weight: 2,
    arbitrary: fc.oneof(weirdNumber.map(String), weirdString).map((value) => [[key, value]] as Array<[string, string]>),
  })),
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom('true', 'false', '1', '0', ''), weirdString).map((value) => [['draft', value]] as Array<[string, string]>) },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom('true', 'false'), weirdString).map((value) => [['trash', value]] as Array<[string, string]>) },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom('false', 'true'), weirdString).map((value) => [['pagination', value]] as Array<[string, string]>) },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom('en', '*', 'all', 'xx', 'null'), weirdString).map((value) => [['locale', value]] as Array<[string, string]>) },
  { weight: 2, arbitrary: fc.oneof(fc.constantFrom('false'), fc.dictionary(fc.constantFrom('relatedArticles', 'articles', 'x'), fc.oneof(fc.constantFrom(false), fc.record({ limit: weirdLeaf, page: weirdLeaf, sort: weirdLeaf, where: weirdLeaf, count: weirdLeaf }, { requiredKeys: [] })), { maxKeys: 2 })).map((value) => bracketPairs('joins', value, [])) },
  { weight: 2, arbitrary: fc.dictionary(fieldName, fc.oneof(fc.constantFrom('true', 'false'), weirdJson), { maxKeys: 3 }).map((value) => bracketPairs('select', value, [])) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('conditions', 'services', 'users', 'media', 'articles', 'x'), fc.dictionary(fieldName, fc.constantFrom('true', 'false', 'x'), { maxKeys: 2 }), { maxKeys: 2 }).map((value) => bracketPairs('populate', value, [])) },
  { weight: 1, arbitrary: fc.tuple(weirdString, weirdString).map(([key, value]) => [[key, value]] as Array<[string, string]>) },
)

/**
 * encodeURIComponent, except that a lone surrogate (which it refuses) is written as the
 * percent-escapes of its CESU-8 bytes: invalid UTF-8 the server must decode or refuse.
 */
export const percentEncode = (value: string) =>
  value.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]|[^\uD800-\uDFFF]+/g, (part) => {
    if (part.length === 1 && part.charCodeAt(0) >= 0xd800 && part.charCodeAt(0) <= 0xdfff) {
      const code = part.charCodeAt(0)
      return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('')
    }
    return encodeURIComponent(part)
  })

export const queryString = fc.array(queryPart, { maxLength: 4 }).map((parts) =>
  parts
    .flat()
    .map(([key, value]) => (key === '__raw' ? value : `${percentEncode(key).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${percentEncode(value)}`))
    .join('&'),
)
