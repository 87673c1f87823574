import type { App } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { disconnect } from '../../../domain/connections/disconnect.js';
import { publishHome } from '../../../domain/connections/home.js';
import { canManage } from '../../../domain/connections/permissions.js';
import { findProviderDefinition } from '../../../providers/registry.js';
import { VIEWS } from '../../../views/ids.js';

/**
 * The disconnect confirmation's submit. private_metadata names the provider but is untrusted: the
 * provider must exist, the team comes from the signed request, and the permission is checked again.
 */
export function registerDisconnectConfirm(app: App, services: Services): void {
  app.view(VIEWS.disconnectConfirm, async ({ ack, body, view, context }) => {
    // Close the modal at once; the outcome shows on the Home tab (users.info must not hold up the ack).
    await ack();
    const teamId = context.teamId;
    const def = findProviderDefinition(view.private_metadata);
    if (!teamId || !def) return;
    if (!(await canManage(services, teamId, body.user.id))) {
      await publishHome(
        services,
        teamId,
        body.user.id,
        `Only workspace admins and Thread admins can disconnect ${def.name}.`,
      );
      return;
    }
    const result = await disconnect(services, teamId, def.id, body.user.id);
    const note =
      result.state === 'not_connected'
        ? `${def.name} was not connected.`
        : result.revoked === 'unreadable'
          ? `${def.name} is disconnected, but Thread could not revoke its access at ${def.name}: Thread's encryption key no longer opens the saved sign-in. Remove Thread from ${def.name}'s connected apps to end the grant there.`
          : result.revoked === 'failed'
            ? `${def.name} is disconnected. Thread deleted its tokens, but ${def.name} could not be reached to revoke access: remove Thread from ${def.name}'s connected apps to be sure.`
            : `${def.name} is disconnected.`;
    await publishHome(services, teamId, body.user.id, note);
  });
}
