import { defineConfig } from 'vitest/config'

/**
 * Browser and production-build tests: they need `npm run build` first and start
 * `npm start` themselves on a fresh SQLite file.
 */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.spec.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
})
