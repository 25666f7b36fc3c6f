/**
 * Payload's API route handlers, as Next's route files export them, registered where the production
 * server (server.ts) can call them without Next's router (src/server/apiRoutes.ts). The route files
 * live in Next's server bundle, which has its own copy of every module: the registry is one object
 * under a registered symbol on globalThis, shared by both copies (as src/cache/bridge.ts does for the
 * cache). A route file registers its handlers when Next first loads it; until then, requests for it
 * go to Next.
 */

/** The second argument Next gives a route handler: the dynamic segments of `/api/[...slug]`. */
export type RouteContext = { params: Promise<{ slug: string[] }> }
export type RouteHandler = (request: Request, context: RouteContext) => Promise<Response>

/** The two API routes the server answers directly: GraphQL (`/api/graphql`) and REST (`/api/[...slug]`). */
export type ApiRoute = 'graphql' | 'rest'
export type ApiRouteHandlers = { GET?: RouteHandler; POST?: RouteHandler }

const REGISTRY = Symbol.for('clinic.apiRoutes')
type Registry = { [REGISTRY]?: Partial<Record<ApiRoute, ApiRouteHandlers>> }

const registry = () => ((globalThis as Registry)[REGISTRY] ??= {})

/** A route file: these are the handlers Next mounts for `route`. */
export const registerApiRoute = (route: ApiRoute, handlers: ApiRouteHandlers) => {
  registry()[route] = handlers
}

/** The handlers registered for `route`, or undefined while Next has not loaded its route file. */
export const registeredApiRoute = (route: ApiRoute): ApiRouteHandlers | undefined => registry()[route]
