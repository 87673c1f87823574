/**
 * The world the security tests attack: the real app with every provider's emulator, a Notion webhook
 * token configured, HubSpot and Notion connected (so signed webhooks reach a team, and there is a
 * connection for forged requests to try to take away) — and what an entry point may have done, measured
 * before and after each request.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { beforeAll } from 'vitest';
import { updateWorkflowSettings } from '../../src/domain/workflows/settings.js';
import { type ConnectorWorld, connectVia, useConnectorWorld } from '../connectors/helpers.js';
import type { HubSpotEmulator } from '../emulators/hubspot.js';
import type { NotionEmulator } from '../emulators/notion.js';
import type { TestApp } from '../helpers/app.js';
import { dumpAllTables } from '../helpers/table-dump.js';

export interface SecurityWorld extends ConnectorWorld {
  hubspot: HubSpotEmulator;
  notion: NotionEmulator;
  /** NOTION_WEBHOOK_VERIFICATION_TOKEN. */
  notionToken: string;
  /** HUBSPOT_CLIENT_SECRET: it signs HubSpot's webhooks. */
  hubspotSecret: string;
}

export function useSecurityWorld(env: Record<string, string> = {}): SecurityWorld {
  const notionToken = `secret_${randomBytes(24).toString('hex')}`;
  const world = useConnectorWorld({
    NOTION_WEBHOOK_VERIFICATION_TOKEN: notionToken,
    ...env,
  }) as SecurityWorld;
  world.notionToken = notionToken;
  beforeAll(async () => {
    world.hubspot = world.emulators.byId.hubspot as HubSpotEmulator;
    world.notion = world.emulators.byId.notion as NotionEmulator;
    world.hubspotSecret = world.emulators.env.HUBSPOT_CLIENT_SECRET!;
    await connectVia(world.app, world.hubspot, 'hubspot');
    await connectVia(world.app, world.notion, 'notion');
    // A poll once a day, not a minute: its first run only notes when watching began, so no poll writes
    // to the connection while a request's footprint is being measured.
    await updateWorkflowSettings(
      world.app.thread.services.db,
      world.app.teamId,
      { pollIntervalSeconds: 86_400 },
      'UADMIN',
    );
  });
  return world;
}

/** Tables the background schedules write on their own (polls, calendar sync) and the replay ledger. */
const BACKGROUND_TABLES = new Set([
  'trigger_poll_cursors',
  'trigger_seen_stages',
  'calendar_cursors',
  'slack_request_ids',
]);
/** Work an entry point can start; the schedules' own jobs come and go by the minute. */
const REQUEST_JOBS = ['trigger-event', 'poll-recheck', 'handoff-step', 'deliver', 'broadcast-progress'];

/**
 * Slack Web API methods that tell someone something or change the workspace; the rest (users.info for a
 * permission check, auth.test) only read.
 */
const SAYS = /^(chat\.|views\.|reactions\.add|conversations\.(create|invite|join|kick|archive|rename|set))/;

/** Everything a request could have left behind: rows, queued work, and what Slack was told. */
export interface Footprint {
  tables: Map<string, string>;
  jobs: number;
  /** Each Slack call that told someone something, in order. */
  told: string[];
  /** Each reply sent to a response_url, in order. */
  replies: string[];
}

/** What Slack was told between two footprints: calls, then replies. */
export function toldSince(before: Footprint, after: Footprint): string[] {
  return [...after.told.slice(before.told.length), ...after.replies.slice(before.replies.length)];
}

export async function footprint(app: TestApp): Promise<Footprint> {
  const dump = await dumpAllTables(app.thread.services.database);
  const tables = new Map<string, string>();
  for (const line of dump.split('\n')) {
    const name = line.slice(0, line.indexOf(':'));
    if (!BACKGROUND_TABLES.has(name)) tables.set(name, line);
  }
  const jobs = await sql<{ n: number }>`select count(*)::int as n from pgboss.job
    where name = any(${REQUEST_JOBS})`.execute(app.thread.services.db);
  const told = app.slack.calls
    .filter((c) => SAYS.test(c.method))
    .map((c) => `${c.method} ${JSON.stringify(c.args)}`);
  const replies = app.slack.responses.map((r) => `reply ${JSON.stringify(r.body)}`);
  return { tables, jobs: jobs.rows[0]!.n, told, replies };
}

/** The tables whose rows differ between two footprints. */
export function changedTables(before: Footprint, after: Footprint): string[] {
  const names = new Set([...before.tables.keys(), ...after.tables.keys()]);
  return [...names].filter((n) => before.tables.get(n) !== after.tables.get(n)).sort();
}

/** Waits for the work a request started after its answer (listener bodies run after Slack's ack). */
export async function settled(app: TestApp): Promise<void> {
  await new Promise((r) => setTimeout(r, 50));
  await app.thread.services.inflight.drain(5000);
}
