/**
 * The handoff email to the AE through the real app and the providers' official SDKs: nothing connected
 * (the run and the post say so), Gmail (`users.messages.send`, raw RFC 2822) when only Google is
 * connected, Outlook (Graph `sendMail`) once Microsoft 365 is — a Graph 500 retried without a second
 * email, a crash mid-send never sending twice, the team's switch honoured, and CR/LF in names or subjects
 * never becoming headers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { activeConnection } from '../../src/domain/connections/find.js';
import { withProvider } from '../../src/domain/connections/tokens.js';
import { runHandoffSteps } from '../../src/domain/workflows/handoff.js';
import { updateWorkflowSettings } from '../../src/domain/workflows/settings.js';
import { google as googleProvider } from '../../src/providers/google/index.js';
import { blocksToText } from '../../src/views/plain-text.js';
import { connectVia } from '../connectors/helpers.js';
import { decodeWord, type GoogleEmulator } from '../emulators/google.js';
import type { MicrosoftEmulator } from '../emulators/microsoft.js';
import {
  addDeal,
  CHANNEL,
  closeDeal,
  db,
  deliveriesDone,
  handoffDone,
  postsTo,
  stepsOf,
  useHandoffWorld,
} from './handoff-world.js';

const world = useHandoffWorld();
let google: GoogleEmulator;
let microsoft: MicrosoftEmulator;
let nextOwner = 8300;

beforeAll(() => {
  google = world.emulators.byId.google as GoogleEmulator;
  microsoft = world.emulators.byId.microsoft as MicrosoftEmulator;
});

function deal(id: string, name: string, firstName = 'Alex') {
  nextOwner++;
  addDeal(world, {
    id,
    name,
    owner: { id: String(nextOwner), email: `ae${nextOwner}@ourco.example`, firstName, lastName: 'Seller' },
    company: { name: 'Initech', domain: 'initech.example' },
  });
  return `ae${nextOwner}@ourco.example`;
}

const emailOf = (run: { context: unknown }) => (run.context as { email: unknown }).email;
const post = (name: string) => blocksToText(postsTo(world, CHANNEL, name)[0]!.args.blocks as unknown[]);
const header = (m: GoogleEmulator['sentMail'][number], name: string) =>
  m.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);

describe('the handoff email to the AE', () => {
  it('neither Microsoft 365 nor Google connected: nothing sent, the run and the post say so', async () => {
    deal('7101', 'Initech One');
    await closeDeal(world, '7101');
    const run = await handoffDone(world, '7101');
    expect(run.status).toBe('completed');
    expect(emailOf(run)).toEqual({
      state: 'no provider',
      reason: 'no email: connect Microsoft 365 or Google',
    });
    expect(stepsOf(run).find((s) => s.name === 'handoff-email')).toMatchObject({ status: 'done' });
    expect(post('Initech One')).toContain(
      'Email to the AE: not sent — no email: connect Microsoft 365 or Google.',
    );
  });

  it('Google only: Gmail sends one message; CR/LF in the names and subject add no header; the body is escaped', async () => {
    await connectVia(world.app, google, 'google');
    const to = deal(
      '7102',
      'Initech <script>alert(1)</script>\r\nBcc: deal@evil.example',
      'Alex\r\nBcc: owner@evil.example',
    );
    await closeDeal(world, '7102');
    const run = await handoffDone(world, '7102');
    expect(emailOf(run)).toEqual({ state: 'sent', via: 'Google Workspace' });
    expect(google.sentMail).toHaveLength(1);
    const m = google.sentMail[0]!;
    expect(m.headers.map(([n]) => n.toLowerCase()).sort()).toEqual(
      ['content-transfer-encoding', 'content-type', 'mime-version', 'subject', 'to'].sort(),
    );
    expect(header(m, 'to')).toHaveLength(1);
    expect(header(m, 'to')[0]).toMatch(new RegExp(`<${to}>$`));
    expect(decodeWord(header(m, 'to')[0]!)).toBe(`Alex Bcc: owner@evil.example Seller <${to}>`);
    expect(decodeWord(header(m, 'subject')[0]!)).toBe(
      'Handoff: Initech <script>alert(1)</script> Bcc: deal@evil.example',
    );
    expect(m.body).toContain('Initech &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(m.body).not.toContain('<script>');
    expect(m.body).toContain('Please reply with the customer’s goals');
    expect(post('Initech &lt;script&gt;')).toContain('Email to the AE: sent through Google Workspace.');
  });

  it('the Gmail sender on its own: CR/LF in a name or subject never starts a header', async () => {
    const services = world.app.thread.services;
    const connection = (await activeConnection(services.db, world.app.teamId, 'google'))!;
    const before = google.sentMail.length;
    await withProvider(services, connection, (ctx) =>
      googleProvider.mail!.send(ctx, {
        to: [{ email: 'ae@ourco.example', name: 'Eve\r\nBcc: name@evil.example' }],
        subject: 'Hi\nBcc: subject@evil.example\rX-Evil: 1',
        html: '<p>x</p>',
      }),
    );
    const m = google.sentMail[before]!;
    expect(m.headers.map(([n]) => n.toLowerCase()).sort()).toEqual(
      ['content-transfer-encoding', 'content-type', 'mime-version', 'subject', 'to'].sort(),
    );
    expect(decodeWord(header(m, 'subject')[0]!)).toBe('Hi\nBcc: subject@evil.example\rX-Evil: 1');
  });

  it('Microsoft 365 connected too: Outlook is used; a Graph 500 is retried and one email goes out', async () => {
    await connectVia(world.app, microsoft, 'microsoft');
    const gmailBefore = google.sentMail.length;
    const to = deal('7103', 'Initech Three');
    microsoft.failNext('api', microsoft.fault(500));
    await closeDeal(world, '7103');
    const run = await handoffDone(world, '7103');
    expect(run.status).toBe('completed');
    expect(emailOf(run)).toEqual({ state: 'sent', via: 'Microsoft 365' });
    expect(stepsOf(run).find((s) => s.name === 'handoff-email')).toMatchObject({
      status: 'done',
      attempts: 2,
    });
    expect(microsoft.sentMail).toHaveLength(1);
    expect(microsoft.sentMail[0]).toMatchObject({
      subject: 'Handoff: Initech Three',
      contentType: 'HTML',
      to: [{ address: to, name: 'Alex Seller' }],
      saveToSentItems: true,
    });
    expect(google.sentMail).toHaveLength(gmailBefore);
    expect(
      await db(world).selectFrom('handoff_emails').select('status').where('run_id', '=', run.id).execute(),
    ).toEqual([{ status: 'sent' }]);
    expect(post('Initech Three')).toContain('Email to the AE: sent through Microsoft 365.');
  });

  it('a crash while sending (marker left at "sending"): never sent a second time, the post says it may not have gone', async () => {
    deal('7104', 'Initech Four');
    const { id } = await db(world)
      .insertInto('workflow_runs')
      .values({
        team_id: world.app.teamId,
        idempotency_key: 'test:hubspot:7104:entered:closedwon',
        source: 'hubspot',
        external_id: '7104',
        context: JSON.stringify({ source: 'hubspot' }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // What an earlier attempt leaves when the process dies after calling Graph, before its answer.
    await db(world)
      .insertInto('handoff_emails')
      .values({ run_id: id, team_id: world.app.teamId, provider: 'microsoft', status: 'sending' })
      .execute();
    const sent = microsoft.sentMail.length;
    expect(await runHandoffSteps(world.app.thread.services, id, { lastTry: false })).toEqual({
      outcome: 'completed',
    });
    await deliveriesDone(world, id);
    expect(microsoft.sentMail).toHaveLength(sent);
    const run = await db(world)
      .selectFrom('workflow_runs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(emailOf(run)).toEqual({ state: 'maybe sent', via: 'Microsoft 365' });
    expect(post('Initech Four')).toContain('Email to the AE: may not have been sent');
  });

  it('the team turned the AE email off: nothing sent, the post says so', async () => {
    await updateWorkflowSettings(db(world), world.app.teamId, { aeEmail: false }, 'UADMIN');
    const sent = microsoft.sentMail.length;
    deal('7105', 'Initech Five');
    await closeDeal(world, '7105');
    const run = await handoffDone(world, '7105');
    expect(emailOf(run)).toEqual({ state: 'off' });
    expect(microsoft.sentMail).toHaveLength(sent);
    expect(post('Initech Five')).toContain('Email to the AE: off for this workspace.');
    await updateWorkflowSettings(db(world), world.app.teamId, { aeEmail: true }, 'UADMIN');
  });
});
