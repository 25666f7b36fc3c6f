/**
 * The clinic's emails, by name. Only templates are exported here (callers index this
 * module by template name); building blocks live in ./layout.ts and ./blocks.ts.
 */
export { alreadySubscribed } from './alreadySubscribed'
export { confirmSubscription } from './confirmSubscription'
export { reminder } from './reminder'
export { welcome } from './welcome'
export type { ClinicDetails, EmailSource, EmailTemplate } from './types'
