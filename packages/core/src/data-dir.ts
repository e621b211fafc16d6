// Where a core keeps its files, and the engine settings the data directory was created with. Replay is
// only deterministic under the same settings, so they are written once, atomically, and enforced after.

import { readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_ENGINE_CONFIG, type EngineConfig } from '@bourse/engine';
import { AUDIT_KEY_FILE_NAME, makePrivateDir, PRIVATE_FILE_MODE } from '@bourse/journal';
import { CoreError } from './core-error.ts';

export interface DataDirLayout {
  readonly root: string;
  readonly journalDir: string;
  readonly snapshotsDir: string;
  readonly readDbPath: string;
  readonly engineConfigPath: string;
  /** The operator's Ed25519 key that signs audit checkpoints (created on first start). */
  readonly auditKeyPath: string;
}

export function dataDirLayout(root: string): DataDirLayout {
  return {
    root,
    journalDir: join(root, 'journal'),
    snapshotsDir: join(root, 'snapshots'),
    readDbPath: join(root, 'read.db'),
    engineConfigPath: join(root, 'engine-config.json'),
    auditKeyPath: join(root, AUDIT_KEY_FILE_NAME),
  };
}

export function ensureDataDir(layout: DataDirLayout): void {
  makePrivateDir(layout.root);
  makePrivateDir(layout.journalDir);
  makePrivateDir(layout.snapshotsDir);
}

/** The settings stored in the data directory, or undefined for a directory that never held a core. */
export function readEngineConfig(layout: DataDirLayout): EngineConfig | undefined {
  let text: string;
  try {
    text = readFileSync(layout.engineConfigPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<EngineConfig>;
  return { ...DEFAULT_ENGINE_CONFIG, ...parsed };
}

/**
 * Returns the settings to run with: the stored ones (the request must agree with them) or, for a new
 * directory, the request over the defaults, stored before the first command is journaled.
 */
export function resolveEngineConfig(
  layout: DataDirLayout,
  requested: Partial<EngineConfig> | undefined,
): EngineConfig {
  const stored = readEngineConfig(layout);
  if (stored === undefined) {
    const config: EngineConfig = { ...DEFAULT_ENGINE_CONFIG, ...requested };
    writeFileAtomic(layout.engineConfigPath, `${JSON.stringify(config, null, 2)}\n`);
    return config;
  }
  for (const [key, value] of Object.entries(requested ?? {})) {
    if (value !== undefined && stored[key as keyof EngineConfig] !== value) {
      throw new CoreError(
        'DATA_DIR_INCONSISTENT',
        `engine setting ${key}=${String(value)} differs from ${String(stored[key as keyof EngineConfig])} ` +
          `stored in ${layout.engineConfigPath}; replay needs the settings the journal was written with`,
      );
    }
  }
  return stored;
}

function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text, { mode: PRIVATE_FILE_MODE });
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir); // the rename itself must survive a power cut
  } finally {
    closeSync(dir);
  }
}
