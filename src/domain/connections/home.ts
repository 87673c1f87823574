/**
 * The connector dashboard and the Workflows section on a person's Home tab: published when they open it, and after anything that
 * changes it (connect, test, disconnect, the OAuth callback). Managers see the providers' own words on a
 * problem; members the neutral sentence.
 */
import type { Services } from '../../app/services.js';
import { dashboardView } from '../../views/home/dashboard.js';
import { workflowsBlocks } from '../../views/home/workflows.js';
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
  // The Workflows section goes below the connectors: a source must be connected before it starts anything.
  view.blocks.push(...workflowsBlocks(await workflowsSection(services, teamId, manager)));
  const client = await services.slackClient(teamId);
  await client.views.publish({ user_id: userId, view });
}
