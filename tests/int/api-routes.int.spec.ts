import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { nextRoutingFromBuild } from '../../src/server/apiRoutes'
import { serverSettings } from '../../src/server/settings'

/**
 * What the production server reads of Next's build before it answers API reads without Next's router
 * (src/server/apiRoutes.ts). The answers themselves are compared with Next's in tests/e2e/api-in-front-of-next.e2e.spec.ts.
 */
const origin = { hostname: 'localhost', port: 3000 }

const buildWith = (manifest: unknown) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-routes-'))
  fs.mkdirSync(path.join(dir, '.next'))
  fs.writeFileSync(path.join(dir, '.next', 'routes-manifest.json'), JSON.stringify(manifest))
  return dir
}

const everyPath = '^(?:/((?:[^/]+?)(?:/(?:[^/]+?))*))?(?:/)?$'

describe('Next routing read from the build', () => {
  it("applies next.config's headers, a later rule winning, and leaves rewritten or redirected paths to Next", () => {
    const { routing, reason } = nextRoutingFromBuild(
      buildWith({
        basePath: '',
        headers: [
          { source: '/:path*', regex: everyPath, headers: [{ key: 'Accept-CH', value: 'Sec-CH-Prefers-Color-Scheme' }, { key: 'X-Team', value: 'one' }] },
          { source: '/api/articles', regex: '^/api/articles(?:/)?$', headers: [{ key: 'x-team', value: 'two' }] },
        ],
        redirects: [{ source: '/:path+/', regex: '^(?:/((?:[^/]+?)(?:/(?:[^/]+?))*))/$' }],
        rewrites: { beforeFiles: [], afterFiles: [{ source: '/api/old', regex: '^/api/old(?:/)?$' }], fallback: [] },
      }),
      origin,
    )
    expect(reason).toBeUndefined()
    expect(routing!.headersFor('/api/articles')).toEqual([
      ['Accept-CH', 'Sec-CH-Prefers-Color-Scheme'],
      ['x-team', 'two'],
    ])
    expect(routing!.headersFor('/api/services')).toEqual([
      ['Accept-CH', 'Sec-CH-Prefers-Color-Scheme'],
      ['X-Team', 'one'],
    ])
    expect(routing!.headersFor('/api/old')).toBeUndefined()
    expect(routing!.headersFor('/api/articles/')).toBeUndefined()
  })

  it('answers nothing itself when the build has rules only Next can evaluate, or cannot be read', () => {
    const conditional = { headers: [{ regex: everyPath, headers: [{ key: 'X-A', value: '1' }], has: [{ type: 'header', key: 'x-b' }] }] }
    expect(nextRoutingFromBuild(buildWith(conditional), origin)).toEqual({ reason: 'a next.config header rule has a condition' })
    const parameter = { headers: [{ regex: everyPath, headers: [{ key: 'X-Path', value: ':path' }] }] }
    expect(nextRoutingFromBuild(buildWith(parameter), origin)).toEqual({ reason: 'a next.config header has a parameter' })
    expect(nextRoutingFromBuild(buildWith({ basePath: '/cms' }), origin)).toEqual({ reason: 'next.config sets a basePath' })
    expect(nextRoutingFromBuild(fs.mkdtempSync(path.join(os.tmpdir(), 'api-routes-')), origin).reason).toMatch(/^cannot read the build's routes manifest/)
  })

  it('reads API_VIA_NEXT as true or false only', () => {
    expect(serverSettings({ NODE_ENV: 'production' }).apiViaNext).toBe(false)
    expect(serverSettings({ NODE_ENV: 'production', API_VIA_NEXT: 'TRUE' }).apiViaNext).toBe(true)
    expect(serverSettings({ NODE_ENV: 'production', API_VIA_NEXT: 'false' }).apiViaNext).toBe(false)
    expect(() => serverSettings({ NODE_ENV: 'production', API_VIA_NEXT: 'yes' })).toThrow('API_VIA_NEXT must be true or false (got "yes").')
  })
})
