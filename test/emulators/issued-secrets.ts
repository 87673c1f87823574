/**
 * Every secret an emulator issued in this test process (access and refresh tokens, codes, client secrets,
 * bot tokens), and every page Thread showed a browser. When a test app stops, its logs, a dump of every
 * table, every Slack message and view it sent, and the pages are searched for each secret: a hit fails the
 * test that leaked it (see helpers/app.ts). So the scan runs after every test file of the suite.
 */
export const issuedSecrets = new Set<string>();
export const shownPages: string[] = [];

export function issuedSecret<T extends string>(value: T): T {
  issuedSecrets.add(value);
  return value;
}
