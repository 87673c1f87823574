/**
 * npm run test:mutants — a mutation check for the OAuth engine and the provider definitions.
 *
 * Each mutant is a known-wrong change that real code has shipped somewhere (a Google connection without
 * `access_type=offline`, a token request sent as JSON, a rotated refresh token not saved…), written as
 * one exact text replacement. For each, the repository is copied once to a temporary folder (node_modules
 * linked, not copied), the change applied there, and the tests that should notice it run. A mutant the
 * tests notice is "killed"; one they do not is a hole in the tests — or in the emulators, which must
 * refuse what the real provider refuses. The run fails if any mutant survives, if a mutant's text no
 * longer occurs exactly once in its file (the code moved on: update the mutant), or if the unmutated
 * tests are not green to begin with.
 *
 *   npm run test:mutants                 every mutant
 *   npm run test:mutants -- google pkce  only mutants whose id contains one of the words
 *   npm run test:mutants -- --list       the mutants, without running anything
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

interface Mutant {
  id: string;
  /** What the mistake is, in words. */
  what: string;
  file: string;
  find: string;
  replace: string;
  /** The test files that should kill it, and a name filter (vitest -t) to keep the run short. */
  tests: string[];
  only?: string;
}

const CONTRACT = 'test/providers/contract.test.ts';
const LIFECYCLE = 'test/connectors/lifecycle.test.ts';

const MUTANTS: Mutant[] = [
  {
    id: 'google-no-offline-consent',
    what: 'Google without access_type=offline&prompt=consent',
    file: 'src/providers/google/index.ts',
    find: "extraAuthorizeParams: { access_type: 'offline', prompt: 'consent' },",
    replace: '',
    tests: [CONTRACT, LIFECYCLE],
    only: 'google',
  },
  {
    id: 'google-no-prompt-consent',
    what: 'Google with access_type=offline but no prompt=consent (a reconnect gets no refresh token)',
    file: 'src/providers/google/index.ts',
    find: "extraAuthorizeParams: { access_type: 'offline', prompt: 'consent' },",
    replace: "extraAuthorizeParams: { access_type: 'offline' },",
    tests: [LIFECYCLE],
    only: 'google',
  },
  {
    id: 'microsoft-no-offline-access',
    what: 'Microsoft without offline_access',
    file: 'src/providers/microsoft/index.ts',
    find: "scopes: ['offline_access', 'User.Read', 'Calendars.ReadWrite', 'Mail.Send'],",
    replace: "scopes: ['User.Read', 'Calendars.ReadWrite', 'Mail.Send'],",
    tests: [CONTRACT],
    only: 'microsoft',
  },
  {
    id: 'microsoft-mail-sned',
    what: 'Microsoft with a typo’d scope Mail.Sned',
    file: 'src/providers/microsoft/index.ts',
    find: "'Mail.Send'",
    replace: "'Mail.Sned'",
    tests: [CONTRACT],
    only: 'microsoft',
  },
  {
    id: 'microsoft-refresh-without-scope',
    what: 'Microsoft refresh request without scope',
    file: 'src/providers/microsoft/index.ts',
    find: 'scopeOnRefresh: true,',
    replace: '',
    tests: [LIFECYCLE],
    only: 'microsoft',
  },
  {
    id: 'notion-no-owner-user',
    what: 'Notion without owner=user',
    file: 'src/providers/notion/index.ts',
    find: "extraAuthorizeParams: { owner: 'user' },",
    replace: '',
    tests: [CONTRACT],
    only: 'notion',
  },
  {
    id: 'salesforce-token-json',
    what: 'Salesforce token request sent as JSON',
    file: 'src/providers/salesforce/index.ts',
    find: "tokenBody: 'form',",
    replace: "tokenBody: 'json',",
    tests: [CONTRACT],
    only: 'salesforce',
  },
  {
    id: 'hubspot-token-json',
    what: 'HubSpot token request sent as JSON',
    file: 'src/providers/hubspot/index.ts',
    find: "tokenBody: 'form',",
    replace: "tokenBody: 'json',",
    tests: [CONTRACT],
    only: 'hubspot',
  },
  {
    id: 'hubspot-revoke-post',
    what: 'HubSpot revoke sent as POST instead of DELETE',
    file: 'src/providers/hubspot/index.ts',
    find: "method: 'DELETE',",
    replace: "method: 'POST',",
    tests: [LIFECYCLE],
    only: 'hubspot',
  },
  {
    id: 'gong-client-auth-body',
    what: 'Gong client credentials in the body instead of HTTP Basic',
    file: 'src/providers/gong/index.ts',
    find: "clientAuth: 'basic',",
    replace: "clientAuth: 'body',",
    tests: [CONTRACT],
    only: 'gong',
  },
  {
    id: 'rfc7009-revoke-no-client-auth',
    what: 'RFC 7009 revoke with no client authentication',
    file: 'src/providers/oauth/token-endpoint.ts',
    find: 'withClientAuth(def, endpoints, { token })',
    replace: '{ headers: {} as Record<string, string>, body: { token } }',
    tests: [LIFECYCLE],
    only: 'zoom',
  },
  {
    id: 'refresh-token-not-persisted',
    what: 'Refresh token not persisted after rotation',
    file: 'src/domain/connections/tokens.ts',
    find: 'const next = toTokenSet(res, current);',
    replace: 'const next = { ...toTokenSet(res, current), refreshToken: current.refreshToken };',
    tests: [LIFECYCLE],
    only: 'zoom',
  },
  {
    id: 'pkce-verifier-not-sent',
    what: 'PKCE verifier not sent with the code',
    file: 'src/domain/connections/connect.ts',
    find: '...(record.codeVerifier ? { code_verifier: record.codeVerifier } : {}),',
    replace: '',
    tests: [LIFECYCLE],
    only: 'hubspot',
  },
  {
    id: 'code-exchange-without-redirect-uri',
    what: 'Code exchanged without the redirect_uri of the authorize request',
    file: 'src/domain/connections/connect.ts',
    find: 'redirect_uri: redirectUri(services.config, def),',
    replace: '',
    tests: [LIFECYCLE],
    only: 'hubspot',
  },
  {
    id: 'state-not-single-use',
    what: 'OAuth state not single-use',
    file: 'src/domain/connections/oauth-states.ts',
    find: '.set({ used_at: new Date() })',
    replace: '.set({ used_at: null })',
    tests: [LIFECYCLE],
    only: 'hubspot',
  },
  {
    id: 'wrong-scope-separator',
    what: 'Scopes joined with the wrong separator',
    file: 'src/providers/oauth/authorize-url.ts',
    find: 'def.oauth.scopes.join(def.oauth.scopeSeparator)',
    replace: "def.oauth.scopes.join(',')",
    tests: [LIFECYCLE],
    only: 'hubspot',
  },
  {
    id: 'scopes-compared-verbatim',
    what: 'Granted scopes compared with the requested ones by exact string',
    file: 'src/providers/oauth/scopes.ts',
    find: 'return !names.some((name) => have.has(scopeKey(rules, name)));',
    replace: 'return !granted.includes(requested);',
    tests: [LIFECYCLE],
    only: 'google',
  },
  {
    id: 'google-no-email-alias',
    what: 'Google scope rules without the email → userinfo.email alias',
    file: 'src/providers/google/index.ts',
    find: "email: ['https://www.googleapis.com/auth/userinfo.email'],",
    replace: '',
    tests: [CONTRACT],
    only: 'google',
  },
  {
    id: 'microsoft-offline-access-listed',
    what: 'Microsoft scope rules expecting offline_access to be listed in the grant',
    file: 'src/providers/microsoft/index.ts',
    find: "unlisted: ['offline_access'],",
    replace: '',
    tests: [CONTRACT],
    only: 'microsoft',
  },
  {
    id: 'microsoft-case-sensitive',
    what: 'Microsoft scopes compared case-sensitively',
    file: 'src/providers/microsoft/index.ts',
    find: 'caseInsensitive: true,',
    replace: '',
    tests: [CONTRACT],
    only: 'microsoft',
  },
];

const ROOT = path.resolve(import.meta.dirname, '..');
/** Not copied: dependencies are linked, the rest is history, local data and output. */
const SKIP = new Set(['node_modules', '.git', '.thread', 'coverage']);

function occurrences(text: string, find: string): number {
  return text.split(find).length - 1;
}

/**
 * Runs vitest in `dir` on `files` (name filter `only`): the names of the failed tests, and files that
 * failed outside any test (a `beforeAll` that threw — e.g. the provider refused the connect — or a file
 * that did not load), with vitest's message.
 */
function runTests(dir: string, files: string[], only?: string): { failed: string[]; broken: string[] } {
  const report = path.join(dir, '.mutant-report.json');
  rmSync(report, { force: true });
  // JSON for the test results; the default reporter too, as only it names a suite whose hook failed.
  const args = ['run', ...files, '--reporter=json', `--outputFile=${report}`, '--reporter=default'];
  if (only) args.push('-t', only);
  const run = spawnSync(path.join(dir, 'node_modules', '.bin', 'vitest'), args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'silent', NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  if (!existsSync(report)) return { failed: [], broken: [`vitest wrote no report (exit ${run.status})`] };
  const json = JSON.parse(readFileSync(report, 'utf8')) as {
    testResults: {
      name: string;
      status: string;
      message?: string;
      assertionResults: { fullName: string; status: string; failureMessages?: string[] }[];
    }[];
  };
  // The test's name and the first line of its failure: which assertion noticed.
  const failed = json.testResults.flatMap((f) =>
    f.assertionResults
      .filter((a) => a.status === 'failed')
      .map((a) => `${a.fullName} — ${(a.failureMessages?.[0] ?? '').split('\n')[0]}`),
  );
  const broken = json.testResults.some(
    (f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
  )
    ? failedSuites(`${run.stdout}\n${run.stderr}`)
    : [];
  return { failed, broken };
}

/** "FAIL  file > suite" and the error under it, from the default reporter's output. */
function failedSuites(output: string): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing terminal colour codes
  const lines = output.replace(/\u001b\[[0-9;]*m/g, '').split('\n');
  const found: string[] = [];
  lines.forEach((line, i) => {
    const suite = /^\s*FAIL\s+(.+)$/.exec(line)?.[1];
    if (!suite) return;
    const error = lines.slice(i + 1, i + 4).find((l) => /^\s*\w*Error\b/.test(l));
    found.push(`${suite.trim()} (setup): ${error?.trim() ?? 'failed'}`);
  });
  return found.length ? found : ['a test file failed outside any test (see vitest output)'];
}

/** Two columns, the second cut to keep one line per row. */
function table(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([a]) => a.length));
  const cut = (b: string) => (b.length > 200 ? `${b.slice(0, 199)}…` : b);
  return rows.map(([a, b]) => `${a.padEnd(width)}  ${cut(b)}`).join('\n');
}

function main(): number {
  const args = process.argv.slice(2);
  const words = args.filter((a) => !a.startsWith('--'));
  const chosen = words.length ? MUTANTS.filter((m) => words.some((w) => m.id.includes(w))) : MUTANTS;
  if (args.includes('--list')) {
    console.log(table(chosen.map((m) => [m.id, `${m.what}  (${m.file})`])));
    return 0;
  }
  const started = Date.now();

  // A mutant whose text is gone would "survive" without testing anything: stop and say so.
  const stale = chosen.filter(
    (m) => occurrences(readFileSync(path.join(ROOT, m.file), 'utf8'), m.find) !== 1,
  );
  for (const m of stale) {
    console.error(`✗ ${m.id}: its text no longer occurs exactly once in ${m.file} — update the mutant.`);
  }
  if (stale.length) return 1;

  const dir = mkdtempSync(path.join(tmpdir(), 'thread-mutants-'));
  try {
    cpSync(ROOT, dir, { recursive: true, filter: (src) => !SKIP.has(path.relative(ROOT, src)) });
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');

    // The tests must pass on the code as it is, or every mutant would look killed.
    const files = [...new Set(chosen.flatMap((m) => m.tests))];
    console.log(`Unmutated: ${files.join(' ')}`);
    const baseline = runTests(dir, files);
    if (baseline.failed.length || baseline.broken.length) {
      console.error(`✗ The unmutated tests fail: ${[...baseline.broken, ...baseline.failed].join('; ')}`);
      return 1;
    }
    console.log('  green\n');

    const rows: [string, string][] = [['MUTANT', 'KILLED BY']];
    let survivors = 0;
    for (const m of chosen) {
      const file = path.join(dir, m.file);
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, original.replace(m.find, m.replace));
      const t0 = Date.now();
      const outcome: { killedBy?: string } = {};
      try {
        const result = runTests(dir, m.tests, m.only);
        outcome.killedBy = result.failed[0] ?? result.broken[0];
      } finally {
        writeFileSync(file, original);
      }
      const seconds = ((Date.now() - t0) / 1000).toFixed(0);
      if (!outcome.killedBy) survivors++;
      rows.push([m.id, `[${seconds.padStart(3)}s] ${outcome.killedBy ?? 'SURVIVED'}`]);
      console.log(`${outcome.killedBy ? '✓ killed  ' : '✗ SURVIVED'}  ${m.id} — ${m.what}`);
    }

    console.log(`\n${table(rows)}\n`);
    const total = ((Date.now() - started) / 1000).toFixed(0);
    console.log(
      `${chosen.length - survivors} of ${chosen.length} mutants killed, ${survivors} survived, in ${total}s.`,
    );
    return survivors ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = main();
