/**
 * A person's Home tab — the connector dashboard, their own accounts (and those gone silent), and the
 * Workflows section: published when they open it, and after anything that changes it (connect, test,
 * disconnect, the OAuth callback, a milestone clicked there). Managers see the providers' own words on
 * a problem; members the neutral sentence.
 */
import type { Services } from '../../app/services.js';
import { MY_ACCOUNTS_SHOWN, myAccountsBlocks } from '../../views/home/accounts.js';
import { dashboardView } from '../../views/home/dashboard.js';
import { silentAccountsBlocks } from '../../views/home/engagement.js';
import { workflowsBlocks } from '../../views/home/workflows.js';
import { myOpenAccounts } from '../accounts/mine.js';
import { channelSettings } from '../channels/settings.js';
import { silentAccounts } from '../engagement/summary.js';
import { workflowsSection } from '../workflows/dashboard.js';
import { dashboardRows, withoutProviderWords } from './dashboard.js';
import { canManage } from './permissions.js';

export async function publishHome(
  services: Services,
  teamId: string,
  userId: string,
  note?: string,
): Promise<void> {
  const rows = await dashboardRows(services.db, teamId);
  const manager = await canManage(services, teamId, userId);
  const shown = manager ? rows : withoutProviderWords(rows);
  const view = dashboardView(shown, { note });
  // A CSM's own accounts, and those whose customer has gone quiet, come next: their day's work.
  const mine = await myOpenAccounts(services.db, teamId, userId, MY_ACCOUNTS_SHOWN);
  view.blocks.push(...myAccountsBlocks(mine.accounts, mine.total));
  const { silentDays } = await channelSettings(services.db, teamId);
  const silent = await silentAccounts(services.db, teamId, userId, silentDays);
  view.blocks.push(...silentAccountsBlocks(silent, silentDays));
  // The Workflows section goes below the connectors: a source must be connected before it starts anything.
  view.blocks.push(...workflowsBlocks(await workflowsSection(services, teamId, manager)));
  const client = await services.slackClient(teamId);
  await client.views.publish({ user_id: userId, view });
}
