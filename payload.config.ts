import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { redirectsPlugin } from '@payloadcms/plugin-redirects'
import { lexicalEditor } from '@payloadcms/richtext-lexical'
import { buildConfig } from 'payload'
import sharp from 'sharp'

import { Alerts } from './collections/Alerts'
import { Articles } from './collections/Articles'
import { AudienceStats } from './collections/AudienceStats'
import { Clinic } from './collections/Clinic'
import { Conditions } from './collections/Conditions'
import { ContentChanges } from './collections/ContentChanges'
import { ContentRevision } from './collections/ContentRevision'
import { Deliveries } from './collections/Deliveries'
import { Faqs } from './collections/Faqs'
import { Media } from './collections/Media'
import { Newsletters } from './collections/Newsletters'
import { RateLimits } from './collections/RateLimits'
import { Services } from './collections/Services'
import { Subscribers } from './collections/Subscribers'
import { Suppressions } from './collections/Suppressions'
import { EmailEvents } from './collections/EmailEvents'
import { TransactionalEmails } from './collections/TransactionalEmails'
import { Users } from './collections/Users'
import { WebhookDeliveries } from './collections/WebhookDeliveries'
import { Webhooks } from './collections/Webhooks'
import { WorkerHeartbeats } from './collections/WorkerHeartbeats'
import { collapseRedirectChains } from './collections/Redirects/hooks/collapseRedirectChains'
import { settleRedirectTarget } from './collections/Redirects/hooks/settleRedirectTarget'
import { clinicEmailAdapter } from './emails/payloadEmailAdapter'
import { extendJobsCollection } from './jobs/scheduling/jobsCollection'
import { watchContentRevision } from './src/cache/watchContentRevision'
import { chooseDatabase, databaseAdapter, DatabaseUriError, runMigrations } from './src/database'
import { dashboardEndpoints } from './src/endpoints/dashboard'
import { resolveRedirectEndpoint } from './src/endpoints/redirects'
import { anyone } from './src/access/anyone'
import { isStaff } from './src/access/isStaff'
import { healthEndpoints } from './src/endpoints/health'
import { metricsEndpoints } from './src/endpoints/metrics'
import { previewEndpoints } from './src/endpoints/preview'
import { searchEndpoints } from './src/endpoints/search'
import { searchGraphqlQueries } from './src/search/graphql'
import { warmSearchIndex } from './src/search/service'
import { unknownCollectionScheduleEndpoints } from './src/endpoints/schedule'
import { subscribeEndpoints } from './src/endpoints/subscribe'
import { withEmptyDraftCleanup } from './src/drafts/emptyDrafts'
import { startMonitoring } from './src/monitoring/startMonitoring'
import { resolvePayloadSecret } from './src/secret'
import { loggingLevels, logGraphqlErrorByCause } from './src/query/logErrors'
import { withQueryGuards } from './src/query/withQueryGuards'
import { clinicTimesInAdmin } from './src/plugins/clinicTimesInAdmin'
import { localCodeEditors } from './src/plugins/localCodeEditors'
import { seedOnFirstRun } from './src/seed/seedOnFirstRun'
import { libsqlClientOf, yieldBetweenStatements } from './src/seams/libsql'
import { reusePreparedStatements } from './src/seams/libsqlStatements'
import { findWithoutExcludedFields } from './src/seams/drizzleFindFields'
import { ensureCounterRows } from './src/seams/counters'
import { getAllowedOrigins } from './src/utilities/allowedOrigins'

const dirname = path.dirname(fileURLToPath(import.meta.url))

const database = (() => {
  try {
    return chooseDatabase(process.env.DATABASE_URI)
  } catch (error) {
    if (error instanceof DatabaseUriError) {
      console.error(error.message)
      process.exit(1)
    }
    throw error
  }
})()

/** `CORS_ORIGINS`: comma-separated origins of the front ends allowed to call the API from a browser. */
const allowedOrigins = getAllowedOrigins()

export default buildConfig({
  serverURL: process.env.SERVER_URL?.trim() || undefined,
  secret: resolvePayloadSecret(),
  admin: {
    user: Users.slug,
    importMap: { baseDir: dirname },
    meta: { titleSuffix: ' · Stevenson Clinic CMS' },
    // Gravatar is a third-party request per page view; the clinic's staff don't need it.
    avatar: 'default',
    components: {
      // On every admin page, in its HTML: "Scheduled publishing and newsletters are paused…" while no worker is alive.
      header: ['/src/components/admin/WorkerStatusBanner#WorkerStatusBanner'],
      // The owner's "at a glance": what needs attention, newsletters, subscribers, drafts, scheduled changes.
      beforeDashboard: ['/src/components/admin/dashboard/OwnerDashboard#OwnerDashboard'],
    },
    // The Schedule drawer offers these; the clinic's own timezone comes first.
    timezones: {
      defaultTimezone: 'America/Chicago',
      supportedTimezones: ['America/Chicago', 'America/New_York', 'America/Denver', 'America/Los_Angeles', 'UTC'].map(
        (value) => ({ label: value, value }),
      ),
    },
  },
  // Cost limits and input checks on every read, fresh ids for copied array rows (src/query);
  // no empty drafts left by "Create New" on autosaved collections (src/drafts). The published
  // content collections come from one factory (collections/shared/publishedContent.ts).
  collections: withQueryGuards(withEmptyDraftCleanup([
    Articles,
    Conditions,
    Services,
    Faqs,
    Media,
    Newsletters,
    Deliveries,
    Subscribers,
    Suppressions,
    EmailEvents,
    TransactionalEmails,
    Users,
    Webhooks,
    WebhookDeliveries,
    RateLimits,
    WorkerHeartbeats,
    ContentChanges,
    Alerts,
  ])),
  globals: [Clinic, AudienceStats, ContentRevision],
  endpoints: [...subscribeEndpoints, ...unknownCollectionScheduleEndpoints, ...healthEndpoints, ...metricsEndpoints, ...dashboardEndpoints, ...previewEndpoints, ...searchEndpoints],
  editor: lexicalEditor(),
  plugins: [
    // Old front-end paths → new ones (README "Redirects"): Payload's own collection, read by
    // anyone (REST, GraphQL, GET /api/redirects/resolve), edited by staff; created when a
    // published slug changes (src/hooks/redirectChangedSlug.ts), chains collapsed, loops refused.
    redirectsPlugin({
      collections: ['articles', 'conditions', 'services'],
      redirectTypes: ['301', '302'],
      redirectTypeFieldOverride: { defaultValue: '301' },
      overrides: {
        labels: { singular: 'Redirect', plural: 'Redirects' },
        graphQL: { singularName: 'Redirect', pluralName: 'Redirects' },
        admin: { group: 'Settings', useAsTitle: 'from', defaultColumns: ['from', 'to.url', 'type', 'updatedAt'] },
        access: { read: anyone, create: isStaff, update: isStaff, delete: isStaff },
        endpoints: [resolveRedirectEndpoint],
        hooks: { beforeChange: [settleRedirectTarget], afterChange: [collapseRedirectChains] },
      },
    }),
    // The cost limits and input checks every collection has (src/query), for the plugin's too.
    // Both before clinicTimesInAdmin, which then shows the redirects' dates on the clinic clock too.
    (config) => ({ ...config, collections: (config.collections ?? []).map((c) => (c.slug === 'redirects' ? withQueryGuards([c])[0]! : c)) }),
    // Admin display only: dates on the clinic's clock (the newsletter form has its own), and
    // no JSON/code editor downloaded from a public CDN.
    clinicTimesInAdmin({ except: ['newsletters'] }),
    localCodeEditors,
  ],
  // Password resets and Payload's other system mail, through the project's transport.
  email: clinicEmailAdapter(),
  db: databaseAdapter(database),
  sharp,
  cors: allowedOrigins,
  csrf: allowedOrigins,
  graphQL: {
    // Deeply nested relationship queries are the cheapest way to hurt a GraphQL server.
    maxComplexity: 1000,
    disablePlaygroundInProduction: true,
    schemaOutputFile: path.resolve(dirname, 'schema.graphql'),
    // `Search(q:, collections:, limit:)`: the same search as GET /api/search (src/search).
    queries: searchGraphqlQueries,
  },
  typescript: {
    outputFile: path.resolve(dirname, 'payload-types.ts'),
  },
  jobs: {
    // Scheduled publish/unpublish jobs are created by the admin's "Schedule" drawer and the
    // REST endpoint, and run by `npm run worker` (jobs/), with leases and a precise timer,
    // never by Payload's own runner: no autoRun here.
    // With the same read guards as every other collection (src/query).
    jobsCollectionOverrides: (args) => withQueryGuards([extendJobsCollection(args)])[0],
    // So that the drawer's jobs get their state and the past-time check (jobs/scheduling).
    runHooks: true,
    // Payload's /api/payload-jobs/run would run scheduled changes outside the worker's
    // leases and state: closed to everyone.
    access: { run: () => false },
  },
  // Expected refusals are logged at info level without a stack (src/query/logErrors.ts).
  loggingLevels,
  hooks: { afterError: [logGraphqlErrorByCause] },
  telemetry: false,
  onInit: async (payload) => {
    // SQLite statements run synchronously: let the event loop turn between them, so a cached read
    // never waits behind a whole autosave (src/seams/libsql.ts).
    yieldBetweenStatements(payload)
    // …and SQLite prepares each distinct statement once instead of on every read (src/seams/libsqlStatements.ts).
    if (libsqlClientOf(payload)) reusePreparedStatements()
    // The SQL adapter's row transform skips the fields an exclusion select leaves out (src/seams/drizzleFindFields.ts).
    findWithoutExcludedFields(payload)
    // The SQLite schema comes from the committed migrations only (see src/database.ts).
    await runMigrations(payload, database)
    // The counting globals' rows exist before anything counts in them (src/seams/counters.ts).
    await ensureCounterRows(payload, ['audience-stats'])
    await seedOnFirstRun(payload)
    // In the production server only (server.ts): keeps its response cache in step with
    // changes made by other processes.
    watchContentRevision(payload)
    // Also in the production server only: the search index is built at start and kept fresh (src/search).
    warmSearchIndex(payload)
    // Heartbeat reads, SMTP outcomes for /api/health, and the alert watchdog (app only): src/monitoring.
    startMonitoring(payload)
  },
})
