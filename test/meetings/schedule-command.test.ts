/**
 * `/thread schedule kickoff <account> [when]` through the real app: no calendar → which to connect;
 * unknown account → did you mean; bad or past times → how to write one; with Google and Zoom connected
 * → the event on Google Calendar (customer contacts, AE and CSM invited, the Zoom link as its location),
 * linked to the account and posted to the customer channel; with only Microsoft → the event on Outlook.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { connectVia, useConnectorWorld } from '../connectors/helpers.js';
import type { GoogleEmulator } from '../emulators/google.js';
import type { MicrosoftEmulator } from '../emulators/microsoft.js';
import type { ZoomEmulator } from '../emulators/zoom.js';
import { addAccount, meetingsOf, postsTo } from './helpers.js';

const world = useConnectorWorld();
let wayne: string;

beforeAll(async () => {
  wayne = await addAccount(world.app, {
    name: 'Wayne Enterprises',
    domain: 'wayne.example',
    aeEmail: 'lucius@sales.example',
  });
  await world.app.thread.services.db
    .insertInto('workflow_runs')
    .values({
      team_id: world.app.teamId,
      idempotency_key: 'test:wayne',
      source: 'hubspot',
      external_id: 'wayne',
      account_id: wayne,
      context: JSON.stringify({
        deal: {
          contacts: [
            { name: 'Bruce', email: 'Bruce@Wayne.example' },
            { name: 'No mail', email: null },
          ],
        },
      }),
    })
    .execute();
});

const say = async (text: string) => String((await world.app.commandReply(text)).text);

describe('/thread schedule reminders', () => {
  it('shows the defaults (24 h and 1 h), lets a manager set others, refuses members and bad input', async () => {
    expect(await say('schedule reminders')).toBe(
      'Meeting reminders go out 1 day and 1 hour before the start.',
    );
    const member = String((await world.app.commandReply('schedule reminders 2h', 'UMEMBER')).text);
    expect(member).toContain('Only workspace admins and Thread admins');
    expect(await say('schedule reminders 2h soon')).toContain('like `/thread schedule reminders 24h 1h 15m`');
    expect(await say('schedule reminders 1h 1h')).toContain('different times');
    expect(await say('schedule reminders 15m 2d 1h')).toContain('2 days and 1 hour and 15 minutes');
    expect(await say('schedule reminders')).toBe(
      'Meeting reminders go out 2 days and 1 hour and 15 minutes before the start.',
    );
  });
});

describe('/thread schedule kickoff', () => {
  it('without a calendar connected, says which to connect', async () => {
    const reply = await say('schedule kickoff Wayne Enterprises');
    expect(reply).toContain('No calendar is connected');
    expect(reply).toContain('Google Workspace or Microsoft 365');
    expect(reply).toContain('/thread connect google');
  });

  it('bad input: an unknown account gets a did-you-mean, bad and past times say how to write one', async () => {
    await connectVia(world.app, world.emulators.byId.google!, 'google');
    expect(await say('schedule kickoff Wayne Enterprses')).toContain('Did you mean *Wayne Enterprises*?');
    const odd = await say('schedule kickoff <!channel>');
    expect(odd).toContain('&lt;!channel&gt;');
    expect(odd).not.toContain('<!channel>');
    expect(await say('schedule kickoff Wayne Enterprises 2027-02-31 10:00')).toContain(
      'did not understand the time',
    );
    expect(await say('schedule kickoff Wayne Enterprises 2020-01-06 10:00')).toContain('has already passed');
    expect(await say('schedule lunch Wayne Enterprises')).toContain('schedules kickoffs');
    expect(await say('schedule kickoff')).toContain('Which account?');
    expect(await meetingsOf(world.app, wayne)).toEqual([]);
  });

  it('with Google and Zoom: the event carries the Zoom link, invites the customer, and is posted to the customer channel', async () => {
    const app = world.app;
    const google = world.emulators.byId.google as GoogleEmulator;
    const zoom = world.emulators.byId.zoom as ZoomEmulator;
    await connectVia(app, zoom, 'zoom');
    // UADMIN's Slack time zone is Europe/Paris: 15:00 there on 2 March 2027 is 14:00 UTC.
    const reply = await say('schedule kickoff wayne enterprises 2027-03-02 15:00');
    expect(reply).toContain('Scheduled *Wayne Enterprises kickoff*');
    expect(reply).toContain('It carries a Zoom link.');
    const [meeting] = await meetingsOf(app, wayne);
    expect(meeting).toMatchObject({ provider: 'google', kind: 'kickoff', status: 'scheduled' });
    expect(meeting!.starts_at.toISOString()).toBe('2027-03-02T14:00:00.000Z');
    expect(meeting!.ends_at.toISOString()).toBe('2027-03-02T14:45:00.000Z');

    const made = zoom.meetings.at(-1)!;
    expect(made).toMatchObject({
      topic: 'Wayne Enterprises kickoff',
      start_time: '2027-03-02T14:00:00Z',
      duration: 45,
    });
    expect(meeting!.join_url).toBe(made.join_url);
    const event = google.calendar.get(meeting!.external_id)! as unknown as {
      location: string;
      sendUpdates: string;
      attendees: { email: string }[];
      start: { dateTime: string; timeZone: string };
    };
    expect(event.location).toBe(made.join_url);
    expect(event.sendUpdates).toBe('all');
    expect(event.start).toEqual({ dateTime: '2027-03-02T14:00:00.000Z', timeZone: 'Europe/Paris' });
    expect(event.attendees.map((a) => a.email).sort()).toEqual([
      'bruce@wayne.example',
      'lucius@sales.example',
      'mo@example.com',
    ]);
    const post = await app.until(() => postsTo(app, 'CWAYNEENTERPRISES')[0], 'the kickoff posted');
    expect(JSON.stringify(post.args.blocks)).toContain(made.join_url!);

    // One kickoff per account: asked again, Thread points at the one there is.
    expect(await say('schedule kickoff Wayne Enterprises 2027-03-09 15:00')).toContain(
      'already has a kickoff',
    );
    expect(await meetingsOf(app, wayne)).toHaveLength(1);
  });

  it('with only Microsoft connected: the event is created on Outlook through Graph', async () => {
    const app = world.app;
    const microsoft = world.emulators.byId.microsoft as MicrosoftEmulator;
    await connectVia(app, microsoft, 'microsoft');
    const res = await app.viewSubmission('connector.disconnect_confirm', 'google');
    expect(res.status).toBe(200);
    await app.until(
      async () =>
        (
          await app.thread.services.db
            .selectFrom('connections')
            .select('status')
            .where('provider', '=', 'google')
            .executeTakeFirst()
        )?.status === 'available',
      'Google disconnected',
    );
    const ollivander = await addAccount(app, {
      name: 'Ollivander',
      domain: 'ollivander.example',
      channel: null,
    });
    const reply = await say('schedule kickoff Ollivander 2027-03-03 09:30');
    expect(reply).toContain('on Outlook Calendar');
    const [meeting] = await meetingsOf(app, ollivander);
    expect(meeting).toMatchObject({ provider: 'microsoft' });
    expect(meeting!.starts_at.toISOString()).toBe('2027-03-03T08:30:00.000Z');
    const event = microsoft.calendar.get(meeting!.external_id)!;
    expect(event).toMatchObject({
      subject: 'Ollivander kickoff',
      start: '2027-03-03T08:30:00.000Z',
      attendees: ['mo@example.com'],
    });
    // No customer channel: posted to the CSM's DM.
    await app.until(
      () => postsTo(app, 'DUMEMBER').find((p) => p.text.includes('Ollivander')),
      'the CSM told',
    );
  });
});
