import type { App, BlockAction, ButtonAction, StaticSelectAction } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { canManage } from '../../../domain/connections/permissions.js';
import {
  FORM_KINDS,
  type FormKind,
  type FormLoad,
  loadSettingsForm,
} from '../../../domain/workflows/settings-form.js';
import { findProviderDefinition } from '../../../providers/registry.js';
import { ACTIONS } from '../../../views/ids.js';
import {
  loadingModal,
  problemModal,
  workflowSettingsModal,
} from '../../../views/modals/workflow-settings.js';
import { managerOrSayWho } from './managers-only.js';

/**
 * Edit on App Home's Workflows section: a modal opens at once (a trigger id lasts 3 seconds) saying the
 * choices are being read, then is replaced by the form filled live from the provider — or by plain words
 * saying what went wrong. Choosing a Notion database reloads its properties into the same modal.
 */
export function registerWorkflowEditActions(app: App, services: Services): void {
  app.action<BlockAction>(ACTIONS.workflowEdit, async ({ ack, body, client, context }) => {
    await ack();
    const teamId = context.teamId;
    const kind = (body.actions[0] as ButtonAction | undefined)?.value as FormKind | undefined;
    if (!teamId || !kind || !FORM_KINDS.includes(kind)) return;
    if (!(await managerOrSayWho(services, teamId, body.user.id, `change the workflow settings`))) return;
    const name = kind === 'general' ? 'Thread' : (findProviderDefinition(kind)?.name ?? kind);
    const opened = await client.views.open({ trigger_id: body.trigger_id, view: loadingModal(kind, name) });
    const loaded = await safely(services, () => loadSettingsForm(services, teamId, kind));
    await client.views.update({ view_id: opened.view?.id ?? '', view: shown(kind, loaded) });
  });

  app.action<BlockAction>(ACTIONS.workflowNotionDatabase, async ({ ack, body, client, context }) => {
    await ack();
    const teamId = context.teamId;
    const viewId = body.view?.id;
    if (!teamId || !viewId) return;
    if (!(await canManage(services, teamId, body.user.id))) return;
    const chosen = (body.actions[0] as StaticSelectAction | undefined)?.selected_option?.value;
    const loaded = await safely(services, () =>
      loadSettingsForm(services, teamId, 'notion', chosen ? { notionDatabaseId: chosen } : {}),
    );
    await client.views.update({ view_id: viewId, view: shown('notion', loaded) });
  });
}

function shown(kind: FormKind, loaded: FormLoad) {
  return loaded.ok ? workflowSettingsModal(loaded.form) : problemModal(kind, loaded.title, loaded.fix);
}

/** Anything unexpected still replaces the "Reading…" modal, with words instead of silence. */
async function safely(services: Services, load: () => Promise<FormLoad>): Promise<FormLoad> {
  try {
    return await load();
  } catch (err) {
    services.logger.error({ err }, 'loading the workflow settings form failed');
    return {
      ok: false,
      title: 'Thread could not load these settings',
      fix: 'Something went wrong on our side. Try again in a minute; if it keeps happening, check Thread’s logs.',
    };
  }
}
