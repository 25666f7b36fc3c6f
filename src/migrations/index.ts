import * as migration_20261127_185950_initial from './20261127_185950_initial';
import * as migration_20261127_192712_scheduled_changes from './20261127_192712_scheduled_changes';
import * as migration_20261127_203331_subscribers_and_schedule_marker from './20261127_203331_subscribers_and_schedule_marker';
import * as migration_20261127_205500_audience_stats from './20261127_205500_audience_stats';
import * as migration_20261127_220032_newsletters_webhooks_cache from './20261127_220032_newsletters_webhooks_cache';
import * as migration_20261201_213417_subscriber_identity from './20261201_213417_subscriber_identity';
import * as migration_20261201_214604_rate_limits from './20261201_214604_rate_limits';
import * as migration_20261201_214742_staff_login_throttling from './20261201_214742_staff_login_throttling';
import * as migration_20261202_003918_health from './20261202_003918_health';
import * as migration_20261202_004150_schedule from './20261202_004150_schedule';
import * as migration_20261202_171514_content_changes from './20261202_171514_content_changes';
import * as migration_20261202_214135_email_suppression from './20261202_214135_email_suppression';
import * as migration_20261203_100830_transactional_outbox from './20261203_100830_transactional_outbox';
import * as migration_20261203_103545_subscriber_upkeep from './20261203_103545_subscriber_upkeep';
import * as migration_20261203_113316_delivery_message_id_index from './20261203_113316_delivery_message_id_index';
import * as migration_20261204_015325_frontend_kit from './20261204_015325_frontend_kit';
import * as migration_20261204_015848_newsletter_web_version from './20261204_015848_newsletter_web_version';

export const migrations = [
  {
    up: migration_20261127_185950_initial.up,
    down: migration_20261127_185950_initial.down,
    name: '20261127_185950_initial',
  },
  {
    up: migration_20261127_192712_scheduled_changes.up,
    down: migration_20261127_192712_scheduled_changes.down,
    name: '20261127_192712_scheduled_changes',
  },
  {
    up: migration_20261127_203331_subscribers_and_schedule_marker.up,
    down: migration_20261127_203331_subscribers_and_schedule_marker.down,
    name: '20261127_203331_subscribers_and_schedule_marker',
  },
  {
    up: migration_20261127_205500_audience_stats.up,
    down: migration_20261127_205500_audience_stats.down,
    name: '20261127_205500_audience_stats',
  },
  {
    up: migration_20261127_220032_newsletters_webhooks_cache.up,
    down: migration_20261127_220032_newsletters_webhooks_cache.down,
    name: '20261127_220032_newsletters_webhooks_cache',
  },
  {
    up: migration_20261201_213417_subscriber_identity.up,
    down: migration_20261201_213417_subscriber_identity.down,
    name: '20261201_213417_subscriber_identity',
  },
  {
    up: migration_20261201_214604_rate_limits.up,
    down: migration_20261201_214604_rate_limits.down,
    name: '20261201_214604_rate_limits',
  },
  {
    up: migration_20261201_214742_staff_login_throttling.up,
    down: migration_20261201_214742_staff_login_throttling.down,
    name: '20261201_214742_staff_login_throttling',
  },
  {
    up: migration_20261202_003918_health.up,
    down: migration_20261202_003918_health.down,
    name: '20261202_003918_health',
  },
  {
    up: migration_20261202_004150_schedule.up,
    down: migration_20261202_004150_schedule.down,
    name: '20261202_004150_schedule',
  },
  {
    up: migration_20261202_171514_content_changes.up,
    down: migration_20261202_171514_content_changes.down,
    name: '20261202_171514_content_changes',
  },
  {
    up: migration_20261202_214135_email_suppression.up,
    down: migration_20261202_214135_email_suppression.down,
    name: '20261202_214135_email_suppression',
  },
  {
    up: migration_20261203_100830_transactional_outbox.up,
    down: migration_20261203_100830_transactional_outbox.down,
    name: '20261203_100830_transactional_outbox',
  },
  {
    up: migration_20261203_103545_subscriber_upkeep.up,
    down: migration_20261203_103545_subscriber_upkeep.down,
    name: '20261203_103545_subscriber_upkeep',
  },
  {
    up: migration_20261203_113316_delivery_message_id_index.up,
    down: migration_20261203_113316_delivery_message_id_index.down,
    name: '20261203_113316_delivery_message_id_index',
  },
  {
    up: migration_20261204_015325_frontend_kit.up,
    down: migration_20261204_015325_frontend_kit.down,
    name: '20261204_015325_frontend_kit',
  },
  {
    up: migration_20261204_015848_newsletter_web_version.up,
    down: migration_20261204_015848_newsletter_web_version.down,
    name: '20261204_015848_newsletter_web_version'
  },
];
