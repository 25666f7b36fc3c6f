import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/int/**/*.int.spec.ts'],
    environment: 'node',
    // Each test file gets its own process and its own SQLite file.
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: {
      NODE_ENV: 'test',
      SEED_DEMO_CONTENT: 'false',
      PAYLOAD_SECRET: 'test-secret-not-for-production-0123456789',
      SERVER_URL: 'http://localhost:3000',
    },
  },
  resolve: {
    alias: { '@payload-config': new URL('./payload.config.ts', import.meta.url).pathname },
  },
})
