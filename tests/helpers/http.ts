import { POST as GRAPHQL_ROUTE_POST } from '../../src/app/(payload)/api/graphql/route'
import config from '../../payload.config'
import { restHandlers } from '../../src/server/restHandlers'
import { jsonOrUndefined } from './json'

const BASE = 'http://localhost:3000'

// The handlers Next mounts at /api/[...slug] (writes with turns between their statements: src/seams/libsql.ts).
const { GET, POST, PATCH, DELETE } = restHandlers(config)
const rest = { GET, POST, PATCH, DELETE }
// The route Next mounts at /api/graphql: Payload's handler behind the project's cost limits.
const graphql = GRAPHQL_ROUTE_POST

export type Credentials = { token?: string; apiKey?: string }

const authHeaders = (credentials?: Credentials): Record<string, string> => {
  if (credentials?.token) return { Authorization: `JWT ${credentials.token}` }
  if (credentials?.apiKey) return { Authorization: `users API-Key ${credentials.apiKey}` }
  return {}
}

/**
 * Calls the same route handlers Next.js mounts at /api/[...slug], with a standard
 * Request: the full REST stack (auth, access, validation, serialisation) without a server.
 */
export const api = async (
  method: keyof typeof rest,
  pathAndQuery: string,
  options: { body?: unknown; credentials?: Credentials; headers?: Record<string, string> } = {},
) => {
  const url = new URL(`/api${pathAndQuery}`, BASE)
  const slug = url.pathname.replace(/^\/api\//, '').split('/').map(decodeURIComponent)
  const request = new Request(url, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...authHeaders(options.credentials),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  })
  const response = await rest[method](request, { params: Promise.resolve({ slug }) })
  const text = await response.text()
  return { status: response.status, json: jsonOrUndefined(text), text, headers: response.headers }
}

export const gql = async (
  query: string,
  variables?: Record<string, unknown>,
  credentials?: Credentials,
  headers: Record<string, string> = {},
) => {
  const request = new Request(`${BASE}/api/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...authHeaders(credentials), ...headers },
    body: JSON.stringify({ query, variables }),
  })
  const response = await graphql(request)
  const json: any = await response.json()
  return { status: response.status, json, headers: response.headers }
}

export const login = async (email: string, password: string): Promise<string> => {
  const { status, json } = await api('POST', '/users/login', { body: { email, password } })
  if (status !== 200) throw new Error(`login failed for ${email}: ${status} ${JSON.stringify(json)}`)
  return json.token
}

/** The per-field messages of a Payload validation error (400). */
export const fieldErrors = (json: any): Array<{ path: string; message: string }> => json?.errors?.[0]?.data?.errors ?? []

/**
 * The REST routes on a real node:http server on 127.0.0.1, behind the body-limit step of
 * `npm start` (src/server/bodyLimits.ts): for tests whose clients are other servers (provider
 * webhooks) and must meet real HTTP, without a production build. In this process, so a test
 * can still reach its modules.
 */
export const serveRestRoutes = async () => {
  const nodeHttp = await import('node:http')
  const { bodyLimitFor, bodyLimitsFromEnv, holdBodyWithinLimit } = await import('../../src/server/bodyLimits')
  const server = nodeHttp.createServer((req, res) => {
    holdBodyWithinLimit(req, res, bodyLimitFor(req.url ?? '/', bodyLimitsFromEnv()), () => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', async () => {
        try {
          const url = new URL(req.url ?? '/', BASE)
          const method = (req.method ?? 'GET') as keyof typeof rest
          const headers = new Headers()
          for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value)
          const body = chunks.length && method !== 'GET' ? Buffer.concat(chunks) : undefined
          const slug = url.pathname.replace(/^\/api\//, '').split('/').map(decodeURIComponent)
          const response = await rest[method](new Request(url, { method, headers, body }), { params: Promise.resolve({ slug }) })
          res.writeHead(response.status, Object.fromEntries(response.headers.entries()))
          res.end(Buffer.from(await response.arrayBuffer()))
        } catch (error) {
          res.writeHead(500).end(String(error))
        }
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as import('node:net').AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}
