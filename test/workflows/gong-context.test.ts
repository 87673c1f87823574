/**
 * The handoff's call context through the real app: a HubSpot deal closes, the run reads the account's
 * recent calls from Gong (`POST /v2/calls/extensive` on the emulator: the per-customer base URL, cursor
 * paging, 3 calls a second) and the channel post and the CSM's DM list them — or say in one line why not.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runHandoffSteps } from '../../src/domain/workflows/handoff.js';
import { blocksToText } from '../../src/views/plain-text.js';
import { connectVia } from '../connectors/helpers.js';
import type { GongEmulator } from '../emulators/gong.js';
import {
  addDeal,
  CHANNEL,
  CSM,
  closeDeal,
  db,
  deliveriesDone,
  handoffDone,
  postsTo,
  stepsOf,
  useHandoffWorld,
} from './handoff-world.js';

const world = useHandoffWorld();
let gong: GongEmulator;
const daysAgo = (d: number) => new Date(Date.now() - d * 24 * 3600_000).toISOString();
const owner = { id: '8101', email: 'alex@ourco.example', firstName: 'Alex', lastName: 'Seller' };

beforeAll(() => {
  gong = world.emulators.byId.gong as GongEmulator;
});

/** The text of the one channel post about a deal. */
async function channelPost(dealName: string) {
  const posts = postsTo(world, CHANNEL, dealName);
  expect(posts).toHaveLength(1);
  return blocksToText(posts[0]!.args.blocks as unknown[]);
}

describe('Gong call context in the handoff', () => {
  it('Gong not connected: the handoff goes out and says so in one line', async () => {
    addDeal(world, {
      id: '6001',
      name: 'Wayne Enterprises',
      owner,
      company: { name: 'Wayne', domain: 'wayne.example' },
    });
    await closeDeal(world, '6001');
    const run = await handoffDone(world, '6001');
    expect(run.status).toBe('completed');
    expect((run.context as { calls: unknown }).calls).toEqual({ state: 'not connected' });
    const post = await channelPost('Wayne Enterprises');
    expect(post).toContain('Recent calls: Gong is not connected, so there is no call context');
  });

  it('connected: the five most recent calls with the company domain or a contact, across pages, newest first', async () => {
    await connectVia(world.app, gong, 'gong');
    // Two calls a page: the reader has to follow Gong's cursor to see them all.
    gong.extensive.pageSize = 2;
    const acme = (name: string) => ({
      name,
      emailAddress: `${name.toLowerCase()}@acme.example`,
      affiliation: 'External' as const,
    });
    const us = { name: 'Alex Seller', emailAddress: 'alex@ourco.example', affiliation: 'Internal' as const };
    gong.calls.push(
      {
        id: '9000000000000000001',
        title: 'Acme kickoff prep',
        started: daysAgo(2),
        duration: 2700,
        parties: [us, acme('Dana')],
      },
      {
        id: '9000000000000000002',
        title: 'Acme security review',
        started: daysAgo(4),
        duration: 600,
        parties: [us, { name: 'Eve', emailAddress: 'eve@eu.acme.example', affiliation: 'External' }],
      },
      {
        id: '9000000000000000003',
        title: 'Pricing with the CFO',
        started: daysAgo(8),
        duration: 1800,
        parties: [us, { name: 'Fay', emailAddress: 'fay.cfo@gmail.example', affiliation: 'External' }],
      },
      { id: '9000000000000000004', title: 'Acme demo', started: daysAgo(15), parties: [us, acme('Gus')] },
      {
        id: '9000000000000000005',
        title: 'Acme discovery 2',
        started: daysAgo(30),
        parties: [acme('Hal'), us],
      },
      {
        id: '9000000000000000006',
        title: 'Acme discovery 1',
        started: daysAgo(45),
        parties: [acme('Ivy'), us],
      },
      {
        id: '9000000000000000007',
        title: 'Not acme: notacme.example',
        started: daysAgo(3),
        parties: [us, { name: 'Joe', emailAddress: 'joe@notacme.example', affiliation: 'External' }],
      },
      {
        id: '9000000000000000008',
        title: 'Acme last year',
        started: daysAgo(120),
        parties: [acme('Kim'), us],
      },
    );
    addDeal(world, {
      id: '6002',
      name: 'Acme Rockets',
      owner,
      company: { name: 'Acme', domain: 'acme.example' },
      contacts: [{ firstname: 'Fay', lastname: 'Cfo', email: 'fay.cfo@gmail.example', jobtitle: 'CFO' }],
    });
    await closeDeal(world, '6002');
    const run = await handoffDone(world, '6002');
    expect(run.status).toBe('completed');
    const calls = (run.context as { calls: { state: string; calls: { title: string }[] } }).calls;
    expect(calls.state).toBe('loaded');
    expect(calls.calls.map((c) => c.title)).toEqual([
      'Acme kickoff prep',
      'Acme security review',
      'Pricing with the CFO',
      'Acme demo',
      'Acme discovery 2',
    ]);
    // The request as Gong documents it: a date range of 90 days, the parties exposed, then the cursor.
    const [first, second] = gong.extensive.requests;
    expect(first).toMatchObject({ contentSelector: { exposedFields: { parties: true } } });
    const filter = (first as { filter: { fromDateTime: string; toDateTime: string } }).filter;
    expect(Date.parse(filter.toDateTime) - Date.parse(filter.fromDateTime)).toBe(90 * 24 * 3600_000);
    expect(second).toHaveProperty('cursor');

    const post = await channelPost('Acme Rockets');
    expect(post).toContain('Recent calls (Gong, with acme.example or the deal’s contacts):');
    expect(post).toMatch(/Acme kickoff prep.*· \w+ \d+, \d{4} · 45 min · Alex Seller, Dana/);
    expect(post).toContain('Pricing with the CFO');
    expect(post).not.toContain('Not acme');
    expect(post).not.toContain('Acme last year');
    expect(post).not.toContain('Acme discovery 1');
    const blocks = JSON.stringify(postsTo(world, CHANNEL, 'Acme Rockets')[0]!.args.blocks);
    expect(blocks).toContain('<https://app.gong.io/call?id=9000000000000000001|Acme kickoff prep>');
    // The CSM's DM carries the same context.
    const dm = blocksToText(postsTo(world, `D${CSM}`, 'Acme Rockets')[0]!.args.blocks as unknown[]);
    expect(dm).toContain('Acme security review');
  });

  it('a Gong 429 (Retry-After) and a 500 mid-workflow: retried, one post, nothing doubled', async () => {
    gong.extensive.pageSize = 100;
    addDeal(world, {
      id: '6003',
      name: 'Acme Two',
      owner,
      company: { name: 'Acme', domain: 'acme.example' },
    });
    gong.failNext('api', gong.fault(429, { retryAfter: 1 }), gong.fault(500));
    await closeDeal(world, '6003');
    const run = await handoffDone(world, '6003');
    expect(run.status).toBe('completed');
    const step = stepsOf(run).find((s) => s.name === 'gong-context')!;
    expect(step).toMatchObject({ status: 'done', attempts: 3, error: null });
    // Steps that succeeded before Gong failed were not redone.
    expect(stepsOf(run).find((s) => s.name === 'fetch-deal')!.attempts).toBe(1);
    expect(postsTo(world, CHANNEL, 'Acme Two')).toHaveLength(1);
    expect(postsTo(world, `D${CSM}`, 'Acme Two')).toHaveLength(1);
    expect(await channelPost('Acme Two')).toContain('Acme kickoff prep');
  });

  it('Gong still failing on the last try: the handoff goes out and says the call context could not be loaded', async () => {
    addDeal(world, {
      id: '6004',
      name: 'Acme Three',
      owner,
      company: { name: 'Acme', domain: 'acme.example' },
    });
    // A run as startHandoff makes it, without its job: this test plays the queue's attempts itself.
    const { id } = await db(world)
      .insertInto('workflow_runs')
      .values({
        team_id: world.app.teamId,
        idempotency_key: 'test:hubspot:6004:entered:closedwon',
        source: 'hubspot',
        external_id: '6004',
        context: JSON.stringify({ source: 'hubspot' }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const services = world.app.thread.services;
    gong.failNext('api', gong.fault(500));
    expect(await runHandoffSteps(services, id, { lastTry: false })).toMatchObject({
      outcome: 'retrying',
      step: 'gong-context',
    });
    gong.failNext('api', gong.fault(503));
    expect(await runHandoffSteps(services, id, { lastTry: true })).toEqual({ outcome: 'completed' });
    await deliveriesDone(world, id);
    const post = await channelPost('Acme Three');
    expect(post).toContain('Recent calls: the call context could not be loaded from Gong');
    expect(postsTo(world, `D${CSM}`, 'Acme Three')).toHaveLength(1);
  });

  it('call titles and names with mentions, formatting and 5,000 characters render safely', async () => {
    gong.calls.push({
      id: '9000000000000000099',
      title: `<!channel> <@U123> *bold* :tada: ${'t'.repeat(5000)}`,
      started: daysAgo(1),
      parties: [
        { name: `<!here> ${'n'.repeat(5000)}`, emailAddress: 'zed@hooli.example', affiliation: 'External' },
      ],
    });
    addDeal(world, { id: '6005', name: 'Hooli', owner, company: { name: 'Hooli', domain: 'hooli.example' } });
    await closeDeal(world, '6005');
    const run = await handoffDone(world, '6005');
    expect(run.status).toBe('completed');
    const delivered = await db(world)
      .selectFrom('deliveries')
      .select(['status', 'last_error'])
      .where('key', 'like', `handoff:${run.id}:%`)
      .execute();
    expect(delivered.every((d) => d.status === 'delivered')).toBe(true);
    const sent = JSON.stringify(postsTo(world, CHANNEL, 'Hooli')[0]!.args);
    expect(sent).not.toContain('<!channel>');
    expect(sent).not.toContain('<!here>');
    expect(sent).not.toContain('<@U123>');
    expect(sent).toContain('&lt;!channel&gt;');
  });
});
