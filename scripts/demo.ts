/**
 * `npm run demo`: Thread end to end on the embedded defaults. Boots the real app on a fresh embedded
 * database in a temporary folder, against the local Slack and provider emulators, and plays the whole
 * life of a connector as a CS team lives it — connect HubSpot, test it, a deal closes in HubSpot and the
 * handoff runs by itself (account, template, CSM, Gong calls, #cs-handoffs post, CSM DM, the AE's handoff
 * in Slack, the email to the AE, the write-back to the deal), HubSpot revokes the grant
 * (⚠️ Error + DM), reconnect (DM), read the logs, disconnect (⚪ Available) — and, between the handoff and
 * the revocation, onboarding itself: the customer channel and its welcome, the kickoff found on Google
 * Calendar, its reminder and post-meeting DM, milestones completed from Slack up to the go-live
 * celebration — printing what each person sees in Slack, as text, the way Slack shows it.
 */
import { rmSync } from 'node:fs';
import { CALENDAR_SYNC_JOB } from '../src/domain/meetings/sync.js';
import { MEETING_REMINDER_JOB, POST_MEETING_JOB } from '../src/domain/meetings/timers.js';
import { ACTIONS, VIEWS } from '../src/views/ids.js';
import { blocksToText, mrkdwnToText } from '../src/views/plain-text.js';
import { completeConsent, linkFrom } from '../test/connectors/helpers.js';
import type { GongEmulator } from '../test/emulators/gong.js';
import type { GoogleEmulator } from '../test/emulators/google.js';
import type { HubSpotEmulator } from '../test/emulators/hubspot.js';
import type { MicrosoftEmulator } from '../test/emulators/microsoft.js';
import { startProviderEmulators } from '../test/emulators/providers.js';
import { DEFAULT_USERS } from '../test/emulators/slack.js';
import { startTestApp, type TestApp } from '../test/helpers/app.js';
import { dealStageEvent, postHubSpot } from '../test/helpers/hubspot-webhooks.js';

/** People as Slack shows them: by name, not by id. */
const NAMES = Object.fromEntries(DEFAULT_USERS.map((u) => [u.id, u.name]));
const ANA = 'UADMIN'; // workspace admin, sets Thread up
const MO = 'UMEMBER'; // CSM, a member
const HANDOFFS = 'C0HANDOFF'; // the team's #cs-handoffs channel
const AE = 'UAESELLER'; // the account executive who closed the deal

const bar = (title: string) => `\n━━━ ${title} ${'━'.repeat(Math.max(0, 70 - title.length))}`;
const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `  │ ${l}`)
    .join('\n');
const read = (message: Record<string, unknown>) => {
  const blocks = message.blocks as unknown[] | undefined;
  return blocks?.length
    ? blocksToText(blocks, { names: NAMES })
    : mrkdwnToText(String(message.text ?? ''), { names: NAMES });
};

function show(title: string, message: Record<string, unknown>) {
  console.log(bar(title));
  console.log(indent(read(message)));
}

/** The Home tab cut to what matters here: the summary, the note, and one connector's row. */
function showHome(title: string, view: Record<string, unknown>, connector: string) {
  const sections = read(view).split('────────────────────────\n');
  const row = sections.find((s) => s.startsWith(connector)) ?? '';
  console.log(bar(title));
  console.log(indent(`${sections[0]!.trim()}\n  ⋮\n${row.trim()}\n  ⋮`));
}

function say(line: string) {
  console.log(`\n→ ${line}`);
}

/** The callback page's headline, as the browser shows it. */
function pageTitle(html: string): string {
  const m = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html) ?? /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html);
  return (m?.[1] ?? '')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const dmsTo = (app: TestApp, user: string) =>
  app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === `D${user}`);

/** Runs `act`, then returns the DM Thread sent `user` because of it. */
async function nextDm(app: TestApp, user: string, act: () => Promise<unknown>) {
  const before = dmsTo(app, user).length;
  await act();
  await app.until(() => dmsTo(app, user).length > before, `a DM to ${NAMES[user]}`);
  return dmsTo(app, user).at(-1)!.args as Record<string, unknown>;
}

/** Presses a button; returns the modal it opened. */
async function pressForModal(app: TestApp, user: string, actionId: string, value: string) {
  const before = app.slack.callsTo('views.open').length;
  await app.action(actionId, value, user);
  await app.until(() => app.slack.callsTo('views.open').length > before, `the ${actionId} modal`);
  return app.slack.callsTo('views.open').at(-1)!.args.view as Record<string, unknown>;
}

/** Does something whose outcome lands on `user`'s Home tab; returns the tab once it shows `wanted`. */
async function homeAfter(app: TestApp, user: string, wanted: string, act: () => Promise<unknown>) {
  await act();
  return app.until(() => {
    const home = app.slack.homeOf(user);
    return home && read(home).includes(wanted) ? home : undefined;
  }, `"${wanted}" on the Home tab`);
}

async function main() {
  const emulators = await startProviderEmulators();
  const hubspot = emulators.byId.hubspot as HubSpotEmulator;
  const gong = emulators.byId.gong as GongEmulator;
  const microsoft = emulators.byId.microsoft as MicrosoftEmulator;
  const app = await startTestApp({ env: { ...emulators.env, LOG_LEVEL: 'warn' } });
  try {
    console.log(`Thread is running at ${app.url} (embedded database in ${app.env.THREAD_DATA_DIR}).`);
    console.log('Slack and HubSpot are emulated locally; everything else is the real app.');

    show(`${NAMES[ANA]} (workspace admin) types: /thread help`, await app.commandReply('help', ANA));
    show(`${NAMES[ANA]} opens the Thread app → Home tab`, await app.openHome(ANA));

    // Connect.
    const reply = await app.commandReply('connect hubspot', ANA);
    show(`${NAMES[ANA]} types: /thread connect hubspot`, reply);
    let page: Awaited<ReturnType<typeof completeConsent>> | undefined;
    const connected = await nextDm(app, ANA, async () => {
      page = await completeConsent(hubspot, linkFrom(reply));
    });
    say(`${NAMES[ANA]}'s browser: HubSpot consent approved → page: '${pageTitle(page!.html)}'`);
    show(`${NAMES[ANA]} gets a DM from Thread`, connected);

    // Test.
    const tested = await homeAfter(app, ANA, 'test passed', () =>
      app.action('connector.test', 'hubspot', ANA),
    );
    showHome(`${NAMES[ANA]} presses [ Test ] on HubSpot → her Home tab`, tested, 'HubSpot');
    show(`${NAMES[MO]} (CSM, member) types: /thread status`, await app.commandReply('status', MO));

    // The reason Thread exists: a deal closes in HubSpot, onboarding starts by itself.
    show(
      `${NAMES[ANA]} types: /thread csm add @${NAMES[MO]} 8`,
      await app.commandReply(`csm add <@${MO}|${NAMES[MO]}> 8`, ANA),
    );
    show(
      `${NAMES[ANA]} types: /thread handoff channel #cs-handoffs`,
      await app.commandReply(`handoff channel <#${HANDOFFS}|cs-handoffs>`, ANA),
    );
    // Gong for the call context, Microsoft 365 for the email to the AE.
    for (const id of ['gong', 'microsoft'] as const) {
      const link = linkFrom(await app.commandReply(`connect ${id}`, ANA));
      await nextDm(app, ANA, () => completeConsent(emulators.byId[id]!, link));
      say(`${NAMES[ANA]} connects ${id === 'gong' ? 'Gong' : 'Microsoft 365'} the same way.`);
    }
    const deal = hubspot.deals[0]!;
    deal.properties.closedate = new Date().toISOString(); // closed today
    deal.properties.description = 'Wants SSO before go-live; three regions.';
    // The deal as a sales team keeps it: its owner (the AE, in Slack too), company and contacts.
    app.slack.addUser({ id: AE, name: 'alex.seller', email: 'alex@ourco.example' });
    NAMES[AE] = 'alex.seller';
    hubspot.crm.owners.push({
      id: '7001',
      email: 'alex@ourco.example',
      firstName: 'Alex',
      lastName: 'Seller',
      userId: 7002,
    });
    deal.properties.hubspot_owner_id = '7001';
    hubspot.crm.companies.push({ id: '501', properties: { name: 'Acme Corp', domain: 'acme.example' } });
    hubspot.crm.contacts.push({
      id: '601',
      properties: { firstname: 'Dana', lastname: 'Lee', email: 'dana@acme.example', jobtitle: 'COO' },
    });
    hubspot.crm.associations[deal.id] = { companies: ['501'], contacts: ['601'] };
    gong.calls.push({
      id: '9000000000000000001',
      title: 'Acme — scoping call',
      started: new Date(Date.now() - 3 * 86_400_000).toISOString(),
      duration: 2400,
      parties: [
        { name: 'Alex Seller', emailAddress: 'alex@ourco.example', affiliation: 'Internal' },
        { name: 'Dana Lee', emailAddress: 'dana@acme.example', affiliation: 'External' },
      ],
    });
    say(
      `In HubSpot, the AE moves "${deal.properties.dealname}" to Closed Won; HubSpot calls Thread's webhook (signed).`,
    );
    const posted = () => app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === HANDOFFS);
    const dmBefore = dmsTo(app, MO).length;
    const hook = await postHubSpot(
      `${app.url}/webhooks/hubspot`,
      [dealStageEvent(hubspot.portal.id, { dealId: Number(deal.id), stage: 'closedwon' })],
      { secret: emulators.env.HUBSPOT_CLIENT_SECRET! },
    );
    say(`Thread answers HubSpot ${hook.status} at once, and runs the handoff from its job queue.`);
    await app.until(() => posted().length > 0 && dmsTo(app, MO).length > dmBefore, 'the handoff', 20_000);
    show('#cs-handoffs — Thread posts the handoff', posted()[0]!.args);
    show(`${NAMES[MO]} gets a DM from Thread`, dmsTo(app, MO).at(-1)!.args);
    // The AE completes the handoff in Slack; the CSM gets it.
    await app.until(() => dmsTo(app, AE).length > 0, 'the AE DM');
    show(`${NAMES[AE]} (the AE) gets a DM from Thread`, dmsTo(app, AE).at(-1)!.args);
    const runId = JSON.stringify(dmsTo(app, AE).at(-1)!.args.blocks).match(/"value":"([0-9a-f-]{36})"/)![1]!;
    const form = await pressForModal(app, AE, ACTIONS.completeHandoff, runId);
    show(`${NAMES[AE]} presses [ Complete handoff ] → a modal, prefilled from HubSpot and Gong`, form);
    const field = (value: string) => ({ value, type: 'plain_text_input' });
    const completed = await nextDm(app, MO, () =>
      app.viewSubmission(VIEWS.completeHandoff, runId, AE, {
        handoff_goals: { handoff_goals: field('Live in all three regions by March; SSO first.') },
        handoff_stakeholders: { handoff_stakeholders: field('Dana Lee, COO (dana@acme.example)') },
        handoff_risks: { handoff_risks: field('SSO vendor review takes 3 weeks.') },
        handoff_notes: { handoff_notes: field('Dana prefers Slack over email.') },
      }),
    );
    show(`${NAMES[AE]} submits → ${NAMES[MO]} gets the completed handoff`, completed);
    const mail = microsoft.sentMail.at(-1);
    if (mail)
      say(
        `Microsoft 365 sent the AE an email: "${mail.subject}" to ${mail.to.map((t) => t.address).join(', ')}.`,
      );
    await app.until(() => deal.properties.thread_onboarding_stage, 'the write-back');
    say(
      `HubSpot now shows on the deal: thread_onboarding_stage = ${deal.properties.thread_onboarding_stage}, thread_csm = ${deal.properties.thread_csm}.`,
    );
    show(`${NAMES[MO]} types: /thread accounts`, await app.commandReply('accounts', MO));

    // The customer channel, the kickoff and the plan, milestone by milestone.
    await onboarding(app, emulators, deal.properties.dealname!);

    // The provider revokes the grant.
    say('At HubSpot, a portal admin uninstalls Thread: every token Thread holds stops working.');
    hubspot.revokeAllGrants();
    let failed: Record<string, unknown> | undefined;
    const broken = await nextDm(app, ANA, async () => {
      failed = await app.commandReply('test hubspot', MO);
    });
    show(`${NAMES[MO]} types: /thread test hubspot`, failed!);
    show(`${NAMES[ANA]} (who connected HubSpot) gets a DM from Thread`, broken);
    showHome(`${NAMES[ANA]} opens the Home tab`, await app.openHome(ANA), 'HubSpot');

    // Reconnect.
    const modal = await pressForModal(app, ANA, 'connector.reconnect', 'hubspot');
    show(`${NAMES[ANA]} presses [ Reconnect ] → a modal`, modal);
    const link = JSON.stringify(modal).match(/"url":"([^"]+)"/)![1]!;
    const reconnected = await nextDm(app, ANA, async () => {
      page = await completeConsent(hubspot, link);
    });
    say(`${NAMES[ANA]}'s browser: HubSpot consent approved → page: '${pageTitle(page!.html)}'`);
    show(`${NAMES[ANA]} gets a DM from Thread`, reconnected);
    showHome(`${NAMES[ANA]}'s Home tab`, app.slack.homeOf(ANA)!, 'HubSpot');

    // View logs.
    show(
      `${NAMES[ANA]} presses [ View logs ] → a modal`,
      await pressForModal(app, ANA, 'connector.view_logs', 'hubspot'),
    );

    // Disconnect.
    show(
      `${NAMES[ANA]} presses [ Disconnect ] → a confirmation`,
      await pressForModal(app, ANA, 'connector.disconnect', 'hubspot'),
    );
    const gone = await homeAfter(app, ANA, 'is disconnected', () =>
      app.viewSubmission('connector.disconnect_confirm', 'hubspot', ANA),
    );
    showHome(`${NAMES[ANA]} confirms → her Home tab`, gone, 'HubSpot');
  } finally {
    await app.stop();
    await emulators.close();
    rmSync(app.env.THREAD_DATA_DIR!, { recursive: true, force: true });
  }
}

/** What Thread posted in a channel (or DM), newest last. */
const postsIn = (app: TestApp, channel: string) =>
  app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);

/** Runs `act`, then returns Thread's next post in `channel`. */
async function nextPost(app: TestApp, channel: string, act: () => Promise<unknown>) {
  const before = postsIn(app, channel).length;
  await act();
  await app.until(() => postsIn(app, channel).length > before, `a post in ${channel}`, 15_000);
  return postsIn(app, channel).at(-1)!.args as Record<string, unknown>;
}

/** Runs a job now (the demo's clock skips ahead to when it would fall due) and waits for it. */
async function runJobNow(app: TestApp, name: string, data: object) {
  const id = (await app.thread.jobs.send(name, data))!;
  await app.until(async () => {
    const state = await app.thread.jobs.state(name, id);
    return state === 'completed' || state === 'failed' ? state : undefined;
  }, `the ${name} job`);
}

/**
 * Issue 9's story: Mo creates the customer channel (the plan's welcome arrives there), the kickoff is
 * found on the calendar, reminded, held; Mo marks it complete, works the plan from the account view and
 * the command, and the customer channel watches it progress to go-live.
 */
async function onboarding(
  app: TestApp,
  emulators: Awaited<ReturnType<typeof startProviderEmulators>>,
  name: string,
) {
  const account = await app.thread.services.db
    .selectFrom('accounts')
    .select(['id', 'name'])
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  const created = await app.commandReply(`channel create ${name}`, MO);
  show(`${NAMES[MO]} types: /thread channel create ${name}`, created);
  const { customer_channel_id: channel } = await app.thread.services.db
    .selectFrom('accounts')
    .select('customer_channel_id')
    .where('id', '=', account.id)
    .executeTakeFirstOrThrow();
  await app.until(() => postsIn(app, channel!).length > 0, 'the welcome');
  show(
    `#${channel} (shared with Acme) — the plan's welcome, queued when onboarding began`,
    postsIn(app, channel!)[0]!.args,
  );

  // The kickoff: an event on the calendar with someone from acme.example.
  const google = emulators.byId.google as GoogleEmulator;
  const link = linkFrom(await app.commandReply('connect google', ANA));
  await nextDm(app, ANA, () => completeConsent(google, link));
  say(`${NAMES[ANA]} connects Google Workspace; Dana (Acme) accepts a kickoff invite for tomorrow 10:00.`);
  const start = new Date(Date.now() + 26 * 3600_000);
  start.setUTCMinutes(0, 0, 0);
  const end = new Date(start.getTime() + 3600_000);
  google.calendar.put({
    id: 'acme-kickoff',
    summary: 'Acme × Thread — kickoff',
    start: { dateTime: start.toISOString() },
    end: { dateTime: end.toISOString() },
    attendees: [{ email: 'dana@acme.example' }, { email: 'mo@example.com' }],
  });
  await runJobNow(app, CALENDAR_SYNC_JOB, { teamId: app.teamId, provider: 'google' });
  const meeting = await app.thread.services.db
    .selectFrom('meetings')
    .select('id')
    .where('account_id', '=', account.id)
    .executeTakeFirstOrThrow();
  say("Thread's calendar sync finds it (an attendee from the customer's domain) and links it to Acme.");
  const reminder = await nextPost(app, channel!, () =>
    runJobNow(app, MEETING_REMINDER_JOB, {
      meetingId: meeting.id,
      offsetSeconds: 3600,
      startsAt: start.toISOString(),
    }),
  );
  show(`An hour before (the demo skips ahead) — #${channel} and ${NAMES[MO]}'s DM`, reminder);
  const after = await nextDm(app, MO, () =>
    runJobNow(app, POST_MEETING_JOB, { meetingId: meeting.id, endsAt: end.toISOString() }),
  );
  show(`The kickoff has ended — ${NAMES[MO]} gets a DM`, after);
  const progress = await nextPost(app, channel!, () => app.action(ACTIONS.meetingComplete, meeting.id, MO));
  show(`${NAMES[MO]} presses [ Mark kickoff complete ] → #${channel}`, progress);
  await app.until(
    () => postsIn(app, HANDOFFS).some((p) => p.args.thread_ts),
    'the note in the handoff thread',
  );
  show(
    '#cs-handoffs — under the handoff post',
    postsIn(app, HANDOFFS)
      .filter((p) => p.args.thread_ts)
      .at(-1)!.args,
  );

  showHomeSection(`${NAMES[MO]} opens the Home tab`, await app.openHome(MO), 'Your accounts');
  const opened = app.slack.callsTo('views.open').length;
  await app.action(ACTIONS.accountOpen, account.id, MO);
  await app.until(() => app.slack.callsTo('views.open').length > opened, 'the account view');
  show(
    `${NAMES[MO]} presses [ Open ] → the account view`,
    app.slack.callsTo('views.open').at(-1)!.args.view as Record<string, unknown>,
  );

  for (const milestone of ['Technical setup', 'Data import', 'Training']) {
    await nextPost(app, channel!, () => app.commandReply(`milestone done ${name} ${milestone}`, MO));
    say(`${NAMES[MO]} types: /thread milestone done ${name} ${milestone}`);
  }
  const live = await nextPost(app, channel!, () =>
    app.commandReply(`milestone done ${name} Go-live review`, MO),
  );
  show(`${NAMES[MO]} types: /thread milestone done ${name} Go-live review → #${channel}`, live);
  const hubspot = emulators.byId.hubspot as HubSpotEmulator;
  const deal = hubspot.deals[0]!;
  await app.until(() => deal.properties.thread_onboarding_stage === 'live', 'the deal live');
  say(
    `HubSpot now shows on the deal: thread_onboarding_stage = ${deal.properties.thread_onboarding_stage}, thread_onboarding_progress = "${deal.properties.thread_onboarding_progress}".`,
  );
}

/** One section of the Home tab, from its header to the next divider. */
function showHomeSection(title: string, view: Record<string, unknown>, header: string) {
  const text = read(view);
  const from = text.indexOf(`# ${header}`);
  const to = text.indexOf('────────────────────────', from);
  console.log(bar(title));
  console.log(indent(`  ⋮\n${text.slice(from, to === -1 ? undefined : to).trim()}\n  ⋮`));
}

main().catch((err) => {
  console.error('The demo failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
