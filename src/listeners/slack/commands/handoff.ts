import { canManage, threadAdmins, whoCanHelp } from '../../../domain/connections/permissions.js';
import { updateWorkflowSettings, workflowSettings } from '../../../domain/workflows/settings.js';
import { refusalMessage, text } from '../../../views/messages/connectors.js';
import { handoffSettingsMessage } from '../../../views/messages/handoff.js';
import { quoteInput } from '../../../views/mrkdwn.js';
import type { Subcommand } from './subcommand.js';

/** Slack escapes a channel named in command text as <#C123|name> (should_escape in the manifest). */
const CHANNEL = /^<#([CG][A-Z0-9]+)(\|[^>]*)?>$/;
/** HubSpot's internal stage ids: `closedwon` in the default pipeline, numbers in custom ones. */
const STAGE_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

export const handoffCommand: Subcommand = {
  name: 'handoff',
  usage: 'handoff [channel #channel | stage <stage id>]',
  summary: 'Where handoffs are posted, and which HubSpot deal stage starts one (default closedwon).',
  example: '/thread handoff channel #cs-handoffs',
  async run({ services, args, teamId, userId }) {
    const [setting, value, ...extra] = args;
    if (!setting) return handoffSettingsMessage(await workflowSettings(services.db, teamId));
    const what = setting.toLowerCase();
    if (what !== 'channel' && what !== 'stage') {
      return text(
        `I don't know ${quoteInput(setting)} here. Use \`/thread handoff\`, \`channel #channel\` or \`stage <stage id>\`.`,
      );
    }
    if (!(await canManage(services, teamId, userId))) {
      return refusalMessage(
        'change the handoff settings',
        whoCanHelp(await threadAdmins(services, teamId)),
        '/thread handoff',
      );
    }
    if (what === 'channel') {
      const channel = value?.match(CHANNEL)?.[1];
      if (!channel || extra.length) {
        return text('Pick the channel from the # menu: `/thread handoff channel #cs-handoffs`.');
      }
      await updateWorkflowSettings(services.db, teamId, { handoffChannelId: channel }, userId);
      return text(
        `Handoffs will be posted in <#${channel}>. If it is a private channel, invite Thread to it first (\`/invite @Thread\`).`,
      );
    }
    if (!value || extra.length || !STAGE_ID.test(value)) {
      return text(
        `Give the stage's internal id from HubSpot (Settings → Objects → Deals → Pipelines), like \`/thread handoff stage closedwon\`${value ? ` — not ${quoteInput(args.slice(1).join(' '))}` : ''}.`,
      );
    }
    await updateWorkflowSettings(services.db, teamId, { hubspotStage: value }, userId);
    return text(`A HubSpot deal entering the stage \`${value}\` now starts a handoff.`);
  },
};
