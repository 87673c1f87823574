/**
 * What a production install weighs: `npm ci --omit=dev` from this lockfile in a scratch folder, next to a
 * bare Bolt install of the same Bolt version. About a minute on a busy 2-core machine (npm's cache helps).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function installSize(deps: 'thread' | 'bolt'): number {
  const dir = mkdtempSync(path.join(tmpdir(), 'thread-size-'));
  try {
    if (deps === 'thread') {
      copyFileSync('package.json', path.join(dir, 'package.json'));
      copyFileSync('package-lock.json', path.join(dir, 'package-lock.json'));
      execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
        cwd: dir,
        stdio: 'ignore',
      });
    } else {
      const bolt = JSON.parse(readFileSync('package.json', 'utf8')).dependencies['@slack/bolt'];
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bare', private: true }));
      execFileSync('npm', ['install', `@slack/bolt@${bolt}`, '--ignore-scripts', '--no-audit', '--no-fund'], {
        cwd: dir,
        stdio: 'ignore',
      });
    }
    return Number(
      execFileSync('du', ['-sb', path.join(dir, 'node_modules')], { encoding: 'utf8' }).split('\t')[0],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
