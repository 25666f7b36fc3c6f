import { logError, type AfterErrorHook, type Config } from 'payload'

/**
 * Log levels by error name (Payload's `loggingLevels`): refusals the project expects (bad
 * queries, and Payload's own QueryError for unknown paths) are `info`, a message without
 * a stack, like Payload's defaults for Forbidden, NotFound and ValidationError.
 *
 * GraphQL wraps every resolver error in a GraphQLError, which Payload logs by that name,
 * so a 403 from an anonymous GraphQL read was logged as an error with its stack. GraphQL
 * errors are therefore not logged by name; logGraphqlErrorByCause logs them by the error
 * inside instead.
 */
// Payload looks levels up by `error.name` at run time; its type lists only its own names.
export const loggingLevels = {
  BadQueryError: 'info',
  QueryError: 'info',
  GraphQLError: false,
} as Config['loggingLevels']

export const logGraphqlErrorByCause: AfterErrorHook = ({ error, graphqlResult, req }) => {
  if (!graphqlResult || !req?.payload) return
  const cause = (error as { originalError?: unknown }).originalError
  logError({ err: cause instanceof Error ? cause : error, payload: req.payload })
}
