/**
 * Creating an account's customer channel by the team's naming rule. A name Slack says is taken (by a
 * channel, even an archived one) gets `-2`, `-3`… Then the CSM and the AE (when the AE's email belongs
 * to someone in this workspace) are invited, each on their own, so one refusal does not lose the other.
 */
import type { WebClient } from '@slack/web-api';
import type { Services } from '../../app/services.js';
import type { NamedAccount } from './accounts.js';
import { type ChannelFacts, saveChannel, slackError } from './link.js';
import { channelName, NAME_TRIES } from './names.js';
import { channelSettings } from './settings.js';

export type Invite = {
  who: string;
  outcome: 'invited' | 'already in' | 'not in workspace' | 'failed';
  userId?: string;
};

export type CreateResult =
  | { outcome: 'created'; channel: ChannelFacts; invites: Invite[] }
  | { outcome: 'has channel'; channelId: string; name: string | null }
  | { outcome: 'names taken'; tried: string[] }
  | { outcome: 'slack error'; error: string };

export async function createChannel(
  services: Services,
  teamId: string,
  account: NamedAccount,
): Promise<CreateResult> {
  const row = await services.db
    .selectFrom('accounts')
    .select(['customer_channel_id', 'customer_channel_name', 'ae_email'])
    .where('id', '=', account.id)
    .executeTakeFirstOrThrow();
  if (row.customer_channel_id) {
    return { outcome: 'has channel', channelId: row.customer_channel_id, name: row.customer_channel_name };
  }
  const { nameRule } = await channelSettings(services.db, teamId);
  const client = await services.slackClient(teamId);
  const tried: string[] = [];
  let created: { id?: string; name?: string } | undefined;
  for (let n = 1; n <= NAME_TRIES && !created; n++) {
    const name = channelName(nameRule, account.name, n);
    if (tried.includes(name)) break;
    tried.push(name);
    try {
      created = (await client.conversations.create({ name })).channel;
    } catch (err) {
      const error = slackError(err);
      if (error !== 'name_taken') return { outcome: 'slack error', error };
    }
  }
  if (!created?.id) return { outcome: 'names taken', tried };
  const channel: ChannelFacts = {
    id: created.id,
    name: created.name ?? tried.at(-1)!,
    shared: false,
    private: false,
  };
  const saved = await saveChannel(services, teamId, account.id, channel);
  if (saved === 'taken') return { outcome: 'slack error', error: 'channel already linked' };
  const invites: Invite[] = [];
  if (account.csmUserId) invites.push(await invite(client, channel.id, account.csmUserId, 'CSM'));
  if (row.ae_email) {
    const ae = await userByEmail(client, row.ae_email);
    invites.push(
      ae ? await invite(client, channel.id, ae, 'AE') : { who: 'AE', outcome: 'not in workspace' },
    );
  }
  return { outcome: 'created', channel, invites };
}

async function userByEmail(client: WebClient, email: string): Promise<string | undefined> {
  try {
    return (await client.users.lookupByEmail({ email })).user?.id;
  } catch {
    // users_not_found: the AE is not in this workspace (or the email is not theirs here).
    return undefined;
  }
}

async function invite(client: WebClient, channel: string, userId: string, who: string): Promise<Invite> {
  try {
    await client.conversations.invite({ channel, users: userId });
    return { who, outcome: 'invited', userId };
  } catch (err) {
    const error = slackError(err);
    if (error === 'already_in_channel' || error === 'cant_invite_self')
      return { who, outcome: 'already in', userId };
    if (error === 'user_not_found') return { who, outcome: 'not in workspace', userId };
    return { who, outcome: 'failed', userId };
  }
}
