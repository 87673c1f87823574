/**
 * App Home's Workflows section and its settings modals through the real app: sources say what starts a
 * handoff in labels, a source not connected offers Connect, Edit opens a modal filled live through the
 * providers' SDKs (HubSpot pipelines, Salesforce StageName, Notion databases and properties), a provider
 * failing shows plain words, submissions are validated and only managers may change anything.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { workflowSettings } from '../../src/domain/workflows/settings.js';
import { ACTIONS, VIEWS } from '../../src/views/ids.js';
import { PAIR } from '../../src/views/modals/workflow-settings.js';
import { blocksToText } from '../../src/views/plain-text.js';
import { connectVia, useConnectorWorld } from '../connectors/helpers.js';
import type { HubSpotEmulator } from '../emulators/hubspot.js';
import { type NotionEmulator, notionDataSource } from '../emulators/notion.js';
import type { SalesforceEmulator } from '../emulators/salesforce.js';
import { SIGNING_SECRET } from '../helpers/app.js';
import { blockActionPayload, interactivityBody, postSigned } from '../helpers/slack-requests.js';

const world = useConnectorWorld();
let hubspot: HubSpotEmulator;
let salesforce: SalesforceEmulator;
let notion: NotionEmulator;
const db = () => world.app.thread.services.db;

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  accessory?: { action_id?: string; value?: string };
  element?: Record<string, unknown> & {
    options?: Opt[];
    option_groups?: { label: { text: string }; options: Opt[] }[];
    initial_option?: Opt;
  };
  hint?: { text: string };
};
type Opt = { text: { text: string }; value: string };
type View = { blocks: Block[]; private_metadata: string; title: { text: string } };

beforeAll(async () => {
  hubspot = world.emulators.byId.hubspot as HubSpotEmulator;
  salesforce = world.emulators.byId.salesforce as SalesforceEmulator;
  notion = world.emulators.byId.notion as NotionEmulator;
});

/** A source's line in the Workflows section (the connector dashboard above has rows of the same name). */
function sectionOf(home: Record<string, unknown>, name: string) {
  const blocks = home.blocks as Block[];
  const start = blocks.findIndex((b) => b.type === 'header' && b.text?.text.startsWith('Workflows'));
  return blocks.slice(start).find((b) => b.type === 'section' && b.text?.text.startsWith(`*${name}*`));
}

/** Clicks Edit for `value` and returns the modal that replaced the "Reading…" one. */
async function edit(value: string, userId = 'UADMIN'): Promise<View> {
  const updates = world.app.slack.callsTo('views.update').length;
  expect((await world.app.action(ACTIONS.workflowEdit, value, userId)).status).toBe(200);
  await world.app.until(
    () => world.app.slack.callsTo('views.update').length > updates,
    'modal updated',
    8000,
  );
  return world.app.slack.callsTo('views.update').at(-1)!.args.view as View;
}

/** Submits the modal; a save then republishes Home (after the ack), which is waited for here. */
async function submit(view: View, values: Record<string, Record<string, unknown>>, userId = 'UADMIN') {
  const published = world.app.slack.callsTo('views.publish').length;
  const res = await world.app.viewSubmission(VIEWS.workflowSettings, view.private_metadata, userId, values);
  if (!res.json?.response_action) {
    await world.app.until(
      () => world.app.slack.callsTo('views.publish').length > published,
      'Home republished',
    );
    expect(blocksToText(world.app.slack.homeOf(userId)!.blocks as unknown[])).toContain(
      'Workflow settings saved.',
    );
  }
  return res;
}

const selected = (value: string, text: string) => ({
  value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text }, value } },
});
const typed = (value: string) => ({ value: { type: 'plain_text_input', value } });

describe('the Workflows section', () => {
  it('before anything is connected: each source says so with a Connect button', async () => {
    const home = await world.app.openHome('UADMIN');
    const text = blocksToText(home.blocks as unknown[]);
    expect(text).toContain('Workflows — sales-to-CS handoff');
    expect(text).toContain('Recent handoffs');
    for (const name of ['HubSpot', 'Salesforce', 'Notion']) {
      const block = sectionOf(home, name)!;
      expect(block.text!.text).toContain('not connected');
      expect(block.accessory).toMatchObject({ action_id: ACTIONS.connect });
    }
    expect((await edit('hubspot')).blocks[0]!.text!.text).toContain('HubSpot is not connected');
    for (const [emulator, id] of [
      [hubspot, 'hubspot'],
      [salesforce, 'salesforce'],
      [notion, 'notion'],
    ] as const) {
      await connectVia(world.app, emulator, id);
    }
    const after = await world.app.openHome('UADMIN');
    expect(sectionOf(after, 'HubSpot')!.text!.text).toContain('*HubSpot* · any pipeline · Closed Won');
    expect(sectionOf(after, 'Salesforce')!.text!.text).toContain('Opportunity stage · Closed Won');
    expect(sectionOf(after, 'Notion')!.text!.text).toContain('not set up yet');
    expect(sectionOf(after, 'HubSpot')!.accessory).toMatchObject({
      action_id: ACTIONS.workflowEdit,
      value: 'hubspot',
    });
  });

  it('members see the facts without Edit; their Edit click and submission are refused', async () => {
    const home = await world.app.openHome('UMEMBER');
    expect(sectionOf(home, 'HubSpot')!.accessory).toBeUndefined();
    const opened = world.app.slack.callsTo('views.open').length;
    await world.app.action(ACTIONS.workflowEdit, 'hubspot', 'UMEMBER');
    await world.app.until(
      () =>
        blocksToText(world.app.slack.homeOf('UMEMBER')!.blocks as unknown[]).includes(
          'Only workspace admins',
        ),
      'refusal shown',
    );
    expect(world.app.slack.callsTo('views.open')).toHaveLength(opened);
    const res = await world.app.viewSubmission(
      VIEWS.workflowSettings,
      JSON.stringify({ kind: 'salesforce' }),
      'UMEMBER',
      { salesforce_stage: selected('Prospecting', 'Prospecting') },
    );
    expect(JSON.stringify(res.json)).toContain('Only workspace admins and Thread admins');
    expect((await workflowSettings(db(), world.app.teamId)).salesforceStage).toBe('Closed Won');
  });
});

describe('HubSpot settings', () => {
  it('lists pipelines and stages live, capped at 100 options, and saves pipeline + stage with labels', async () => {
    hubspot.pipelines.push({
      id: '7771',
      label: '<!channel> Renewals',
      displayOrder: 1,
      stages: Array.from({ length: 120 }, (_, i) => ({
        id: String(9000 + i),
        label: `Renewal step ${i}`,
        displayOrder: i,
      })),
    });
    const view = await edit('hubspot');
    const select = view.blocks.find((b) => b.block_id === 'hubspot_stage')!;
    const groups = select.element!.option_groups!;
    expect(groups.map((g) => g.label.text)).toEqual(['Sales Pipeline', '<!channel> Renewals']);
    expect(groups.flatMap((g) => g.options)).toHaveLength(100);
    expect(select.hint!.text).toContain('27 more stages not listed');
    expect(select.element!.initial_option!.text.text).toBe('Closed Won');

    const bad = await submit(view, { hubspot_stage: selected('nonsense', 'x') });
    expect(bad.json).toMatchObject({
      response_action: 'errors',
      errors: { hubspot_stage: expect.any(String) },
    });

    const ok = await submit(view, { hubspot_stage: selected(`7771${PAIR}9005`, 'Renewal step 5') });
    expect(ok.status).toBe(200);
    expect(ok.json?.response_action).toBeUndefined();
    const settings = await workflowSettings(db(), world.app.teamId);
    expect(settings).toMatchObject({ hubspotPipeline: '7771', hubspotStage: '9005' });
    const home = await world.app.openHome('UADMIN');
    const line = sectionOf(home, 'HubSpot')!.text!.text;
    expect(line).toContain('&lt;!channel&gt; Renewals · Renewal step 5');
    expect(JSON.stringify(home)).not.toContain('<!channel>');
  });

  it('HubSpot failing while the modal opens: plain words in the modal, no raw JSON', async () => {
    hubspot.failNext('api', hubspot.fault(500));
    const view = await edit('hubspot');
    const text = blocksToText(view.blocks as unknown[]);
    expect(text).toContain('HubSpot could not list the choices');
    expect(text).toContain('try again in a minute');
    expect(text).not.toMatch(/correlationId|"status"|\{/);
  });
});

describe('Salesforce settings', () => {
  it('lists the active StageName values, validates field API names, and saves', async () => {
    salesforce.stageValues.push({ value: 'Onboarding Ready', label: 'Ready for onboarding', active: true });
    salesforce.stageValues.find((v) => v.value === 'Needs Analysis')!.active = false;
    const view = await edit('salesforce');
    const options = view.blocks.find((b) => b.block_id === 'salesforce_stage')!.element!.options!;
    expect(options.map((o) => o.value)).toContain('Onboarding Ready');
    expect(options.map((o) => o.value)).not.toContain('Needs Analysis');
    const bad = await submit(view, {
      salesforce_stage: selected('Onboarding Ready', 'Ready for onboarding'),
      salesforce_stage_field: typed('Bad Field'),
      salesforce_csm_field: typed('Thread_CSM__c'),
    });
    expect(bad.json).toMatchObject({
      response_action: 'errors',
      errors: { salesforce_stage_field: expect.stringContaining('API name') },
    });
    await submit(view, {
      salesforce_stage: selected('Onboarding Ready', 'Ready for onboarding'),
      salesforce_stage_field: typed('CS_Stage__c'),
      salesforce_csm_field: typed('CS_Owner__c'),
    });
    const settings = await workflowSettings(db(), world.app.teamId);
    expect(settings.salesforceStage).toBe('Onboarding Ready');
    expect(settings.salesforceFields).toEqual({ stageField: 'CS_Stage__c', csmField: 'CS_Owner__c' });
    const line = sectionOf(await world.app.openHome('UADMIN'), 'Salesforce')!.text!.text;
    expect(line).toContain('Opportunity stage · Ready for onboarding');
    expect(line).toContain('`CS_Stage__c`');
  });
});

describe('Notion settings', () => {
  it('lists shared databases, loads a chosen one’s properties into the modal, and saves status + mapping', async () => {
    const source = notionDataSource('Customers', {
      Name: { type: 'title' },
      Stage: { type: 'status', options: ['Lead', 'Won', 'Onboarding', 'Live'] },
      Website: { type: 'url' },
      'AE email': { type: 'email' },
      ARR: { type: 'number' },
      CSM: { type: 'rich_text' },
    });
    notion.shared.push(source);
    const view = await edit('notion');
    const databases = view.blocks.find((b) => b.block_id === 'notion_database')!.element!.options!;
    expect(databases.map((o) => o.text.text)).toEqual(['Customer onboarding', 'Customers']);
    expect(blocksToText(view.blocks as unknown[])).toContain('Choose a database');

    // Choosing the database (dispatch_action) reloads the same modal with its properties.
    const updates = world.app.slack.callsTo('views.update').length;
    const payload = blockActionPayload({
      teamId: world.app.teamId,
      userId: 'UADMIN',
      actionId: ACTIONS.workflowNotionDatabase,
      value: '',
      view: { id: 'VNOTION', type: 'modal', team_id: world.app.teamId, hash: 'h1' },
    });
    (payload.actions as Record<string, unknown>[])[0] = {
      type: 'static_select',
      action_id: ACTIONS.workflowNotionDatabase,
      block_id: 'notion_database',
      selected_option: { text: { type: 'plain_text', text: 'Customers' }, value: source.id },
      action_ts: '1',
    };
    const res = await postSigned(`${world.app.url}/slack/events`, interactivityBody(payload), {
      secret: SIGNING_SECRET,
    });
    expect(res.status).toBe(200);
    await world.app.until(() => world.app.slack.callsTo('views.update').length > updates, 'modal reloaded');
    const call = world.app.slack.callsTo('views.update').at(-1)!;
    expect(call.args.view_id).toBe('VNOTION');
    const loaded = call.args.view as View;
    const status = loaded.blocks.find((b) => b.block_id === 'notion_status')!.element!.options!;
    expect(status.map((o) => o.text.text)).toContain('Stage: Won');
    const amount = loaded.blocks.find((b) => b.block_id === 'map_amount')!.element!.options!;
    expect(amount.map((o) => o.value)).toEqual(['ARR']);

    const clash = await submit(loaded, {
      notion_database: selected(source.id, 'Customers'),
      notion_status: selected(`Stage${PAIR}Won`, 'Stage: Won'),
      map_onboardingStage: selected('Stage', 'Stage'),
    });
    expect(clash.json).toMatchObject({
      response_action: 'errors',
      errors: { map_onboardingStage: expect.any(String) },
    });

    await submit(loaded, {
      notion_database: selected(source.id, 'Customers'),
      notion_status: selected(`Stage${PAIR}Won`, 'Stage: Won'),
      map_name: selected('Name', 'Name'),
      map_amount: selected('ARR', 'ARR'),
      map_csm: selected('CSM', 'CSM'),
    });
    const settings = await workflowSettings(db(), world.app.teamId);
    expect(settings.notion).toEqual({
      databaseId: source.id,
      statusProperty: 'Stage',
      statusValue: 'Won',
      mapping: { name: 'Name', amount: 'ARR', csm: 'CSM' },
    });
    const line = sectionOf(await world.app.openHome('UADMIN'), 'Notion')!.text!.text;
    expect(line).toContain('Customers · Stage is Won');
    expect(line).toContain('“CSM”');
  });
});

describe('a source in Error', () => {
  it('the section says its handoffs wait, and why to look at its row', async () => {
    await db()
      .updateTable('connections')
      .set({ status: 'error', error_code: 'grant_revoked' })
      .where('team_id', '=', world.app.teamId)
      .where('provider', '=', 'salesforce')
      .execute();
    const line = sectionOf(await world.app.openHome('UADMIN'), 'Salesforce')!.text!.text;
    expect(line).toContain('Salesforce is in Error: its handoffs wait until it is fixed');
    await db()
      .updateTable('connections')
      .set({ status: 'connected', error_code: null })
      .where('team_id', '=', world.app.teamId)
      .where('provider', '=', 'salesforce')
      .execute();
  });
});

describe('settings every handoff shares', () => {
  it('poll interval, channel, AE email and on/off: validated, then saved and shown', async () => {
    const view = await edit('general');
    expect(view.title.text).toBe('Handoff settings');
    const tooFast = await submit(view, { poll_interval: { value: { type: 'number_input', value: '30' } } });
    expect(tooFast.json).toMatchObject({
      response_action: 'errors',
      errors: { poll_interval: expect.any(String) },
    });
    await submit(view, {
      enabled: { value: { type: 'checkboxes', selected_options: [{ value: 'on' }] } },
      ae_email: { value: { type: 'checkboxes', selected_options: [] } },
      channel: { value: { type: 'conversations_select', selected_conversation: 'C0SHARED' } },
      poll_interval: { value: { type: 'number_input', value: '300' } },
    });
    expect(await workflowSettings(db(), world.app.teamId)).toMatchObject({
      enabled: true,
      aeEmail: false,
      handoffChannelId: 'C0SHARED',
      pollIntervalSeconds: 300,
    });
    const text = blocksToText((await world.app.openHome('UADMIN')).blocks as unknown[]);
    expect(text).toContain('AE email: off');
    expect(text).toContain('every 300 s');
  });
});
