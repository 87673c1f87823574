/**
 * The workflow settings modals, one per trigger source plus the settings every handoff shares. Their
 * choices come live from the providers (pipelines and stages, opportunity stages, Notion databases and
 * properties) and are passed in already read: pure, data in, Block Kit out.
 *
 * Block Kit limits kept here: a static_select holds at most 100 options (option_groups: at most 100
 * options in all here, the rest counted in a note), option text and group labels at most 75 characters,
 * option values at most 150, a modal title 24 characters, a view at most 100 blocks.
 */
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { ACTIONS, VIEWS } from '../ids.js';
import { escapeText, truncate } from '../mrkdwn.js';
import { modalShell } from './shell.js';

export interface Choice {
  id: string;
  label: string;
}

export interface NotionProperty extends Choice {
  type: string;
  options: Choice[];
}

export type SettingsForm =
  | {
      kind: 'general';
      enabled: boolean;
      templateId: string | null;
      templates: Choice[];
      handoffChannelId: string | null;
      aeEmail: boolean;
      pollIntervalSeconds: number;
    }
  | {
      kind: 'hubspot';
      pipelineId: string | null;
      stageId: string;
      pipelines: (Choice & { stages: Choice[] })[];
    }
  | {
      kind: 'salesforce';
      stage: string;
      stages: Choice[];
      stageField: string;
      csmField: string;
    }
  | {
      kind: 'notion';
      databases: Choice[];
      databaseId: string | null;
      properties: NotionProperty[];
      statusProperty: string | null;
      statusValue: string | null;
      mapping: Partial<Record<NotionMappingField, string>>;
    };

export type NotionMappingField = 'name' | 'domain' | 'aeEmail' | 'amount' | 'onboardingStage' | 'csm';

/** Each mapped field, its label, and the Notion property types that can hold it. */
export const NOTION_MAPPING: { field: NotionMappingField; label: string; types: string[] }[] = [
  { field: 'name', label: 'Account name', types: ['title', 'rich_text'] },
  { field: 'domain', label: 'Domain', types: ['url', 'rich_text'] },
  { field: 'aeEmail', label: 'AE email', types: ['email', 'rich_text'] },
  { field: 'amount', label: 'Amount', types: ['number'] },
  {
    field: 'onboardingStage',
    label: 'Onboarding stage (Thread writes it)',
    types: ['status', 'select', 'rich_text'],
  },
  { field: 'csm', label: 'CSM (Thread writes it)', types: ['rich_text', 'email'] },
];

/** Options shown in one select: Slack's limit. */
export const MAX_OPTIONS = 100;
/** Separates two ids in one option value (pipeline and stage, property and status value). */
export const PAIR = '\u001f';

const TITLES: Record<SettingsForm['kind'], string> = {
  general: 'Handoff settings',
  hubspot: 'HubSpot handoffs',
  salesforce: 'Salesforce handoffs',
  notion: 'Notion handoffs',
};

function plain(text: string, max = 75) {
  return { type: 'plain_text' as const, text: truncate(text, max) || ' ' };
}

function option(label: string, value: string): PlainTextOption {
  return { text: plain(label), value: value.slice(0, 150) };
}

function note(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }] };
}

/**
 * private_metadata: the form's kind, and for HubSpot the pipelines' labels (a submitted option carries
 * only its own text, the stage's). Kept under Slack's 3,000 characters: labels that do not fit are left
 * out, and the pipeline's id is shown instead.
 */
export function settingsMetadata(
  kind: SettingsForm['kind'],
  pipelineLabels: Record<string, string> = {},
): string {
  const labels: Record<string, string> = {};
  for (const [id, label] of Object.entries(pipelineLabels)) {
    const next = JSON.stringify({ kind, pipelineLabels: { ...labels, [id]: label.slice(0, 75) } });
    if (next.length > 3000) break;
    labels[id] = label.slice(0, 75);
  }
  return JSON.stringify({ kind, pipelineLabels: labels });
}

function modal(
  kind: SettingsForm['kind'],
  blocks: KnownBlock[],
  submit = true,
  metadata = settingsMetadata(kind),
): ModalView {
  return modalShell({
    callbackId: VIEWS.workflowSettings,
    privateMetadata: metadata,
    title: TITLES[kind],
    ...(submit ? { submit: 'Save' } : {}),
    close: 'Cancel',
    blocks: blocks.slice(0, 100),
  });
}

/** Shown at once (a trigger id lasts 3 seconds), while the provider is asked for its lists. */
export function loadingModal(kind: SettingsForm['kind'], providerName: string): ModalView {
  return modal(kind, [note(`Reading the choices from ${escapeText(providerName)}…`)], false);
}

/** The provider could not be asked: what went wrong and what to do, in plain words. */
export function problemModal(kind: SettingsForm['kind'], title: string, fix: string): ModalView {
  return modal(
    kind,
    [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(`*${escapeText(title)}*`, 3000) } },
      { type: 'section', text: { type: 'mrkdwn', text: truncate(escapeText(fix), 3000) } },
    ],
    false,
  );
}

/** A select of `choices`, capped at Slack's 100 options; the cut is said in the hint. */
function select(
  blockId: string,
  label: string,
  choices: Choice[],
  current: string | null | undefined,
  o: { optional?: boolean; dispatch?: boolean; actionId?: string; hint?: string } = {},
): KnownBlock {
  const shown = choices.slice(0, MAX_OPTIONS).map((c) => option(c.label, c.id));
  const initial = shown.find((s) => s.value === current);
  if (!shown.length) return note(`*${escapeText(label)}:* nothing to choose from.`);
  const cut = choices.length - shown.length;
  const hint = [o.hint, cut > 0 ? `${cut} more not listed (Slack shows 100).` : undefined]
    .filter(Boolean)
    .join(' ');
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label, 2000),
    optional: Boolean(o.optional),
    ...(o.dispatch ? { dispatch_action: true } : {}),
    ...(hint ? { hint: plain(hint, 2000) } : {}),
    element: {
      type: 'static_select',
      action_id: o.actionId ?? 'value',
      placeholder: plain('Choose…'),
      options: shown,
      ...(initial ? { initial_option: initial } : {}),
    },
  };
}

export function workflowSettingsModal(form: SettingsForm): ModalView {
  switch (form.kind) {
    case 'general':
      return modal('general', [
        {
          type: 'input',
          block_id: 'enabled',
          optional: true,
          label: plain('Handoffs'),
          element: {
            type: 'checkboxes',
            action_id: 'value',
            options: [option('On: a deal reaching its stage starts a handoff', 'on')],
            ...(form.enabled
              ? { initial_options: [option('On: a deal reaching its stage starts a handoff', 'on')] }
              : {}),
          },
        },
        select('template', 'Template for new accounts', form.templates, form.templateId, { optional: true }),
        {
          type: 'input',
          block_id: 'channel',
          optional: true,
          label: plain('Internal handoff channel'),
          hint: plain('Thread must be in a private channel to post there (/invite @Thread).', 2000),
          element: {
            type: 'conversations_select',
            action_id: 'value',
            filter: { include: ['public', 'private'], exclude_bot_users: true },
            ...(form.handoffChannelId ? { initial_conversation: form.handoffChannelId } : {}),
          },
        },
        {
          type: 'input',
          block_id: 'ae_email',
          optional: true,
          label: plain('AE email'),
          element: {
            type: 'checkboxes',
            action_id: 'value',
            options: [option('Email the AE when their deal is handed off', 'on')],
            ...(form.aeEmail
              ? { initial_options: [option('Email the AE when their deal is handed off', 'on')] }
              : {}),
          },
        },
        {
          type: 'input',
          block_id: 'poll_interval',
          label: plain('Poll sources every (seconds)'),
          hint: plain(
            'Between 60 and 86,400 (polls run on a one-minute clock). HubSpot also sends webhooks, so its deals start at once.',
            2000,
          ),
          element: {
            type: 'number_input',
            action_id: 'value',
            is_decimal_allowed: false,
            min_value: '60',
            max_value: '86400',
            initial_value: String(form.pollIntervalSeconds),
          },
        },
      ]);
    case 'hubspot':
      return modal(
        'hubspot',
        hubspotBlocks(form),
        true,
        settingsMetadata('hubspot', Object.fromEntries(form.pipelines.map((p) => [p.id, p.label]))),
      );
    case 'salesforce':
      return modal('salesforce', [
        select('salesforce_stage', 'Opportunity stage that starts a handoff', form.stages, form.stage, {
          hint: 'Listed live from your org’s StageName picklist.',
        }),
        textInput('salesforce_stage_field', 'API name of the onboarding stage field', form.stageField),
        textInput('salesforce_csm_field', 'API name of the CSM field', form.csmField),
        note(
          'Salesforce custom fields cannot be created by an app: add two Text fields to Opportunity (Setup → Object Manager → Opportunity → Fields & Relationships) and give Thread’s user edit access.',
        ),
      ]);
    case 'notion':
      return modal('notion', notionBlocks(form));
  }
}

function textInput(blockId: string, label: string, value: string): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label, 2000),
    element: { type: 'plain_text_input', action_id: 'value', initial_value: value, max_length: 40 },
  };
}

function hubspotBlocks(form: Extract<SettingsForm, { kind: 'hubspot' }>): KnownBlock[] {
  let left = MAX_OPTIONS;
  let cut = 0;
  const groups = form.pipelines.flatMap((p) => {
    const stages = p.stages.slice(0, Math.max(0, left));
    cut += p.stages.length - stages.length;
    left -= stages.length;
    return stages.length
      ? [{ label: plain(p.label), options: stages.map((s) => option(s.label, `${p.id}${PAIR}${s.id}`)) }]
      : [];
  });
  const current = groups
    .flatMap((g) => g.options)
    .find((o) => {
      const [pipeline, stage] = o.value!.split(PAIR);
      return stage === form.stageId && (!form.pipelineId || pipeline === form.pipelineId);
    });
  if (!groups.length) {
    return [note('This HubSpot portal has no deal pipelines Thread can see.')];
  }
  const hint = [
    'Listed live from your portal’s deal pipelines.',
    cut ? `${cut} more stages not listed (Slack shows 100).` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return [
    {
      type: 'input',
      block_id: 'hubspot_stage',
      label: plain('Deal stage that starts a handoff'),
      hint: plain(hint, 2000),
      element: {
        type: 'static_select',
        action_id: 'value',
        placeholder: plain('Choose a pipeline’s stage…'),
        option_groups: groups,
        ...(current ? { initial_option: current } : {}),
      },
    },
    note(
      'Thread writes the onboarding stage and CSM back to the deal properties `thread_onboarding_stage` and `thread_csm`, created on first use.',
    ),
  ];
}

function notionBlocks(form: Extract<SettingsForm, { kind: 'notion' }>): KnownBlock[] {
  if (!form.databases.length) {
    return [
      note(
        'No Notion database is shared with Thread yet: in Notion, open the database → ••• → Connections → Thread, then open this again.',
      ),
    ];
  }
  const blocks: KnownBlock[] = [
    select('notion_database', 'Database', form.databases, form.databaseId, {
      dispatch: true,
      actionId: ACTIONS.workflowNotionDatabase,
    }),
  ];
  if (!form.databaseId) {
    blocks.push(note('Choose a database to see its properties.'));
    return blocks;
  }
  const statusChoices = form.properties
    .filter((p) => p.type === 'status' || p.type === 'select')
    .flatMap((p) => p.options.map((o) => ({ id: `${p.id}${PAIR}${o.id}`, label: `${p.label}: ${o.label}` })));
  blocks.push(
    select(
      'notion_status',
      'Status that starts a handoff',
      statusChoices,
      form.statusProperty && form.statusValue ? `${form.statusProperty}${PAIR}${form.statusValue}` : null,
      { hint: 'A row reaching this value starts a handoff.' },
    ),
  );
  for (const m of NOTION_MAPPING) {
    const fits = form.properties
      .filter((p) => m.types.includes(p.type))
      .map((p) => ({ id: p.id, label: p.label }));
    blocks.push(select(`map_${m.field}`, m.label, fits, form.mapping[m.field], { optional: true }));
  }
  return blocks;
}
