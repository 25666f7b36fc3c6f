import * as migration_20261127_185950_initial from './20261127_185950_initial';
import * as migration_20261127_192712_scheduled_changes from './20261127_192712_scheduled_changes';

export const migrations = [
  {
    up: migration_20261127_185950_initial.up,
    down: migration_20261127_185950_initial.down,
    name: '20261127_185950_initial',
  },
  {
    up: migration_20261127_192712_scheduled_changes.up,
    down: migration_20261127_192712_scheduled_changes.down,
    name: '20261127_192712_scheduled_changes'
  },
];
