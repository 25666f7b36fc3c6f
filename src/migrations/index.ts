import * as migration_20261127_185950_initial from './20261127_185950_initial';

export const migrations = [
  {
    up: migration_20261127_185950_initial.up,
    down: migration_20261127_185950_initial.down,
    name: '20261127_185950_initial'
  },
];
