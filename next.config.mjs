import { withPayload } from '@payloadcms/next/withPayload'

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The repo keeps collections/, emails/ and jobs/ beside src/; Next compiles them through
  // the payload.config.ts import graph, so nothing extra is needed here.
  poweredByHeader: false,
}

export default withPayload(nextConfig, { devBundleServerPackages: false })
