import { withPayload } from '@payloadcms/next/withPayload'

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The repo keeps collections/, emails/ and jobs/ beside src/; Next compiles them through
  // the payload.config.ts import graph, so nothing extra is needed here.
  poweredByHeader: false,
  // The pages of a sitemap index (src/feeds/sitemap.ts): Next has no segment for `sitemap-<n>.xml`.
  async rewrites() {
    return [{ source: '/sitemap-:page(\\d{1,7}).xml', destination: '/sitemaps/:page' }]
  },
  // Browser protections for `npm run dev`. `npm start` sends the full list (also
  // Referrer-Policy, frame-ancestors, HSTS on an https SERVER_URL) from server.ts on every
  // response, cache hits included: src/server/securityHeaders.ts. Only these two are here
  // because Next lets a config header win over a route's own, and the newsletter preview
  // sets a stricter Referrer-Policy and CSP (these two it sets to the same values).
  async headers() {
    if (process.env.NODE_ENV === 'production') return []
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'X-Frame-Options', value: 'SAMEORIGIN' },
        ],
      },
    ]
  },
}

export default withPayload(nextConfig, { devBundleServerPackages: false })
