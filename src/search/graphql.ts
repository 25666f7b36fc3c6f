import type { GraphQLInfo, Payload, SanitizedConfig } from 'payload'

import { BadQueryError } from '../query/readGuards'
import { checkSearchInput } from './input'
import { searchServiceFor } from './service'

type GraphQLModule = typeof import('graphql')

/**
 * `Search(q: String!, collections: [String!], limit: Int): SearchResults!` for Payload's
 * `graphQL.queries`: the same index, rules and answer as GET /api/search, except that `id` is
 * a string (ids differ in type between the databases). Bad input is a GraphQL error with the
 * REST answer's message (a BadQueryError: logged at info level, without a stack).
 */
export const searchGraphqlQueries = (graphql: GraphQLModule, _context: { config: SanitizedConfig } | GraphQLInfo | unknown) => {
  const { GraphQLFloat, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLString } = graphql
  const SearchResult = new GraphQLObjectType({
    name: 'SearchResult',
    fields: {
      collection: { type: new GraphQLNonNull(GraphQLString) },
      id: { type: new GraphQLNonNull(GraphQLString), resolve: (hit: { id: number | string }) => String(hit.id) },
      slug: { type: GraphQLString },
      title: { type: new GraphQLNonNull(GraphQLString) },
      snippet: { type: new GraphQLNonNull(GraphQLString), description: 'HTML: the matching words in <mark>, everything else escaped.' },
      score: { type: new GraphQLNonNull(GraphQLFloat) },
    },
  })
  const SearchResults = new GraphQLObjectType({
    name: 'SearchResults',
    fields: {
      results: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(SearchResult))) },
      total: { type: new GraphQLNonNull(GraphQLInt) },
    },
  })
  return {
    Search: {
      type: new GraphQLNonNull(SearchResults),
      description: 'Full-text search of published articles, conditions, services and FAQs (typo-tolerant, stemmed).',
      args: {
        q: { type: new GraphQLNonNull(GraphQLString) },
        collections: { type: new GraphQLList(new GraphQLNonNull(GraphQLString)) },
        limit: { type: GraphQLInt },
      },
      resolve: async (_source: unknown, args: { q: string; collections?: string[] | null; limit?: number | null }, context: { req: { payload: Payload } }) => {
        const check = checkSearchInput(args)
        if (!check.ok) throw new BadQueryError(check.message)
        const index = await searchServiceFor(context.req.payload).ready()
        return index.search(check.input.q, check.input)
      },
    },
  }
}
