/**
 * Property-based fuzz test (fast-check): GraphQL. The properties, the knobs and how to
 * reproduce a failure: tests/int/fuzz/rest.int.spec.ts.
 */
import fc from 'fast-check'
import { describe, it } from 'vitest'

import type { Failure } from './judge'
import { realIds, type Who, graphqlCall, probe, useFuzzServer, fuzz, GROUP_TIMEOUT } from './server'
import { FIELD_NAMES, notJson, OPERATORS, weirdJson } from './arbitraries'

useFuzzServer('graphql')

describe('fuzz', () => {
  // -------------------------------------------------------------------------------------
  // GraphQL: documents from a small grammar over the real schema
  // -------------------------------------------------------------------------------------

  type GqlType = 'Article' | 'Condition' | 'Service' | 'Faq' | 'Media' | 'User' | 'Join' | 'Clinic'
  const GQL_FIELDS: Record<GqlType, Array<[string, GqlType | null]>> = {
    Article: [['id', null], ['title', null], ['slug', null], ['excerpt', null], ['content', null], ['jsonLd', null], ['_status', null], ['publishedAt', null], ['conditions', 'Condition'], ['services', 'Service'], ['heroImage', 'Media'], ['author', 'User'], ['authorName', null]],
    Condition: [['id', null], ['name', null], ['slug', null], ['summary', null], ['jsonLd', null], ['howMassageHelps', null], ['relatedArticles', 'Join'], ['relatedServices', 'Service'], ['_status', null]],
    Service: [['id', null], ['name', null], ['category', null], ['bookingUrl', null], ['description', null], ['conditions', 'Condition'], ['jsonLd', null]],
    Faq: [['id', null], ['question', null], ['answer', null], ['relatedConditions', 'Condition'], ['relatedServices', 'Service']],
    Media: [['id', null], ['alt', null], ['url', null], ['filename', null], ['width', null]],
    User: [['id', null], ['email', null], ['name', null], ['roles', null], ['hash', null], ['apiKey', null]],
    Join: [['docs', 'Article'], ['totalDocs', null], ['hasNextPage', null]],
    Clinic: [['name', null], ['bookingUrl', null], ['timezone', null], ['jsonLd', null], ['mailingAddress', null]],
  }
  const GQL_ROOTS: Array<[string, GqlType, 'many' | 'one' | 'count' | 'global']> = [
    ['Articles', 'Article', 'many'], ['Article', 'Article', 'one'], ['Conditions', 'Condition', 'many'], ['Condition', 'Condition', 'one'], ['Services', 'Service', 'many'],
    ['Faqs', 'Faq', 'many'], ['allMedia', 'Media', 'many'], ['Users', 'User', 'many'], ['Clinic', 'Clinic', 'global'], ['countArticles', 'Article', 'count'],
    ['versionsArticles', 'Article', 'many'], ['Subscribers', 'User', 'many'], ['Newsletters', 'User', 'many'],
  ]
  const GQL_MUTATIONS = ['createArticle', 'updateArticle', 'createCondition', 'updateCondition', 'createService', 'createFaq', 'updateFaq', 'createNewsletter', 'deleteArticle', 'createSubscriber', 'createWebhook']
  const GQL_TYPES = ['Int', 'Int!', 'String', 'String!', 'Boolean', 'Float', 'JSON', 'Article_where', 'Condition_where', '[Int]', '[String!]!', 'mutationArticleInput', 'Unknown']

  /**
   * A GraphQL document built from a sequence of choices (fast-check shrinks the sequence
   * towards zeros, i.e. towards the simplest document), plus the variables sent with it.
   */
  const buildGraphql = (choices: number[], literals: unknown[]) => {
    let cursor = 0
    // Past the end of the sequence every choice is 0 (the simplest branch), so a document is as big as its sequence allows.
    const pick = (count: number) => (count <= 1 ? 0 : (choices[cursor++] ?? 0) % count)
    let literalCursor = 0
    const literal = (): unknown => literals[literalCursor++ % Math.max(1, literals.length)]
    const variables: string[] = []
    const fragments: string[] = []

    const gqlValue = (value: unknown, depth = 0): string => {
      if (depth > 60) return 'null'
      if (value === null || value === undefined) return 'null'
      if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0'
      if (typeof value === 'boolean') return String(value)
      if (typeof value === 'string') return JSON.stringify(value)
      if (Array.isArray(value)) return `[${value.map((item) => gqlValue(item, depth + 1)).join(', ')}]`
      return `{${Object.entries(value)
        .map(([key, item]) => `${/^[_A-Za-z][_0-9A-Za-z]*$/.test(key) ? key : 'x'}: ${gqlValue(item, depth + 1)}`)
        .join(', ')}}`
    }
    const variable = () => {
      const name = `v${variables.length}`
      variables.push(`$${name}: ${GQL_TYPES[pick(GQL_TYPES.length)]}${pick(3) === 0 ? ` = ${gqlValue(literal())}` : ''}`)
      return `$${name}`
    }
    const argValue = (kind: 'limit' | 'where' | 'sort' | 'id' | 'flag') => {
      const choice = pick(6)
      if (choice === 0) return variable()
      if (choice === 1) return gqlValue(literal())
      if (kind === 'limit') return ['100', '0', '-1', '1000000000', '2147483648', '"10"', '1.5'][pick(7)]
      if (kind === 'where') {
        const field = FIELD_NAMES[pick(FIELD_NAMES.length)].replace(/\W/g, '_')
        return `{${field}: {${OPERATORS[pick(OPERATORS.length)].replace(/\W/g, '') || 'equals'}: ${gqlValue(literal())}}${pick(2) ? `, OR: [{id: {exists: true}}, {AND: [{_status: {equals: published}}]}]` : ''}}`
      }
      if (kind === 'sort') return gqlValue(['-publishedAt', 'title', 'nonexistent', '-', '', 'conditions.name'][pick(6)])
      if (kind === 'id') return String(realIds.articles?.[pick(realIds.articles.length)] ?? 1)
      return ['true', 'false', 'null', '"yes"', '1'][pick(5)]
    }
    const directive = () => ['', '', '', ' @include(if: true)', ' @skip(if: false)', ` @include(if: ${variable()})`, ' @deprecated', ' @unknownDirective(x: 1)', ' @skip(if: "no")'][pick(9)]

    const selection = (type: GqlType, depth: number): string => {
      const fields = GQL_FIELDS[type]
      const count = 1 + pick(4)
      const parts: string[] = []
      for (let index = 0; index < count; index++) {
        const shape = pick(12)
        if (shape === 0) {
          parts.push(['__typename', 'unknownField', '__schema { types { name } }', 'id(x: 1)'][pick(4)])
          continue
        }
        if (shape === 1 && depth < 8) {
          // A named fragment; sometimes one that spreads itself (a cycle) or another that spreads it back.
          const name = `F${fragments.length}`
          const cyclic = pick(3) === 0
          fragments.push(`fragment ${name} on ${type === 'Join' ? 'Condition_RelatedArticles' : type} { ${cyclic ? `...${name} ` : ''}${selection(type, depth + 1)} }`)
          parts.push(`...${name}${directive()}`)
          continue
        }
        if (shape === 3 && (type === 'Article' || type === 'Condition')) {
          // A cycle through fields: Article → conditions → Condition → relatedArticles → Article.
          if (!fragments.some((fragment) => fragment.startsWith('fragment CycleArticle '))) {
            fragments.push('fragment CycleArticle on Article { title conditions { ...CycleCondition } }')
            fragments.push(`fragment CycleCondition on Condition { name relatedArticles(limit: ${['100', '1', '0'][pick(3)]}) { docs { ...CycleArticle } } }`)
          }
          parts.push(type === 'Article' ? '...CycleArticle' : '...CycleCondition')
          continue
        }
        if (shape === 2 && depth < 8 && type !== 'Join') {
          parts.push(`... on ${type}${directive()} { ${selection(type, depth + 1)} }`)
          continue
        }
        const [name, child] = fields[pick(fields.length)]
        const alias = pick(5) === 0 ? `a${cursor}: ` : ''
        if (!child || depth >= 7) {
          parts.push(`${alias}${name}${name === 'content' || name === 'description' || name === 'answer' ? pick(2) ? `(depth: ${argValue('limit')})` : '' : ''}${directive()}`)
          continue
        }
        const args =
          child === 'Join'
            ? `(limit: ${argValue('limit')}${pick(2) ? `, where: ${argValue('where')}` : ''}${pick(2) ? `, sort: ${argValue('sort')}` : ''}${pick(3) === 0 ? `, count: ${argValue('flag')}` : ''})`
            : pick(3) === 0
              ? `(draft: ${argValue('flag')})`
              : ''
        parts.push(`${alias}${name}${args}${directive()} { ${selection(child, depth + 1)} }`)
      }
      return parts.join(' ')
    }

    const roots: string[] = []
    const operationKind = pick(10)
    const rootCount = 1 + pick(3)
    if (operationKind === 0 || operationKind === 1) {
      // Mutations: editors may create content, so the "nothing stored on refusal" property applies.
      for (let index = 0; index < rootCount; index++) {
        const name = GQL_MUTATIONS[pick(GQL_MUTATIONS.length)]
        const needsId = /^(update|delete)/.test(name)
        const data = needsId && name.startsWith('delete') ? '' : `data: ${pick(2) ? variable() : gqlValue(literal())}`
        roots.push(`m${index}: ${name}(${[needsId ? `id: ${argValue('id')}` : '', data].filter(Boolean).join(', ')}) { id }`)
      }
    } else {
      for (let index = 0; index < rootCount; index++) {
        const [name, type, kind] = GQL_ROOTS[pick(GQL_ROOTS.length)]
        const alias = rootCount > 1 || pick(4) === 0 ? `r${index}: ` : ''
        const args =
          kind === 'many'
            ? `(limit: ${argValue('limit')}${pick(2) ? `, where: ${argValue('where')}` : ''}${pick(2) ? `, sort: ${argValue('sort')}` : ''}${pick(3) === 0 ? `, draft: ${argValue('flag')}` : ''}${pick(4) === 0 ? `, page: ${argValue('limit')}` : ''})`
            : kind === 'one'
              ? `(id: ${argValue('id')}${pick(3) === 0 ? `, draft: ${argValue('flag')}` : ''})`
              : kind === 'count'
                ? pick(2) ? `(where: ${argValue('where')})` : ''
                : ''
        const body = kind === 'count' ? '{ totalDocs }' : kind === 'many' ? `{ docs { ${selection(type, 1)} } totalDocs }` : `{ ${selection(type, 1)} }`
        roots.push(`${alias}${name}${args}${directive()} ${body}`)
      }
    }
    const keyword = operationKind === 0 || operationKind === 1 ? 'mutation' : operationKind === 2 ? 'subscription' : 'query'
    const header = variables.length || keyword !== 'query' || pick(2) ? `${keyword} Fuzz${variables.length ? `(${variables.join(', ')})` : ''} ` : ''
    const document = `${header}{ ${roots.join(' ')} }${fragments.length ? `\n${fragments.join('\n')}` : ''}`
    const values: Record<string, unknown> = {}
    for (let index = 0; index < variables.length; index++) if (pick(4) !== 0) values[`v${index}`] = literal()
    return { query: document, variables: values, variableCount: variables.length }
  }

  it('GraphQL: random documents over the real schema (anonymous and editor)', { timeout: GROUP_TIMEOUT }, async () => {
    const input = fc.record({
      choices: fc.array(fc.nat({ max: 1_000 }), { minLength: 1, maxLength: 120 }),
      literals: fc.array(weirdJson, { minLength: 1, maxLength: 6 }),
      who: fc.constantFrom<Who>('anonymous', 'editor'),
      envelope: fc.oneof({ weight: 8, arbitrary: fc.constant('normal') }, { weight: 1, arbitrary: fc.constantFrom('variables-not-object', 'operation-name', 'batch', 'raw') }),
      raw: notJson,
    })
    await fuzz('graphql', 5, input, async ({ choices, literals, who, envelope, raw }) => {
      const { query, variables } = buildGraphql(choices, literals)
      const body =
        envelope === 'raw'
          ? raw
          : envelope === 'variables-not-object'
            ? JSON.stringify({ query, variables: literals[0] ?? 'x' })
            : envelope === 'operation-name'
              ? JSON.stringify({ query, variables, operationName: literals[0] ?? 'Nope' })
              : envelope === 'batch'
                ? JSON.stringify([{ query }, { query }])
                : JSON.stringify({ query, variables })
      const { holds } = await probe('graphql', 'POST /api/graphql', { who, body: body.length > 6_000 ? `${body.slice(0, 6_000)}…` : body }, () => graphqlCall(body, who), (answer, changed) => {
        const failures: Failure[] = []
        let json: any
        try {
          json = JSON.parse(answer.text)
        } catch {
          return failures
        }
        const errors: any[] = Array.isArray(json?.errors) ? json.errors : []
        const internal = errors.find((error) => Number(error?.extensions?.statusCode) >= 500)
        if (internal) {
          const logged = answer.errors[0]
          failures.push({
            kind: 'graphql-internal-error',
            endpoint: 'POST /api/graphql',
            status: answer.status,
            error: logged?.message ?? String(internal.message),
            stackTop: logged?.stack.split('\n').slice(0, 3).join(' | ') ?? '',
            input: { who, body },
          })
        }
        // GraphQL answers refusals with 200 and errors: an answer with no data at all must have stored nothing.
        const refused = errors.length && (!json.data || Object.values(json.data).every((value) => value === null))
        if (refused && answer.status < 400 && changed.length) {
          failures.push({ kind: 'stored-on-4xx', endpoint: 'POST /api/graphql', status: answer.status, error: `wrote ${changed.sort().join(', ')} and answered only errors`, stackTop: '', input: { who, body } })
        }
        return failures
      })
      return holds
    })
  })
})
