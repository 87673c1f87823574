/**
 * Who is on the customer's side of a channel. In a Slack Connect channel the other organisation's people
 * are members of their own workspace (users.info names it in `team_id`); a guest of ours is
 * `is_restricted` (multi-channel) or `is_ultra_restricted` (single-channel). Neither may act as a manager,
 * and only they count as customer engagement.
 */
import type { Services } from '../../app/services.js';

export interface SlackPerson {
  team_id?: string;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  is_bot?: boolean;
  deleted?: boolean;
}

/** True for someone from another workspace or a guest: never one of the team's own people. */
export function isOutsider(user: SlackPerson, teamId: string): boolean {
  return Boolean((user.team_id && user.team_id !== teamId) || user.is_restricted || user.is_ultra_restricted);
}

export type Side = 'customer' | 'team' | 'unknown';

/** A person's side rarely changes; an hour of caching keeps a busy channel from calling users.info per event. */
const CACHE_MS = 60 * 60 * 1000;
const CACHE_MAX = 10_000;
const caches = new WeakMap<Services, Map<string, { side: Side; at: number }>>();

/**
 * `customer` for an outsider (see above), `team` for one of ours or a bot, `unknown` when Slack cannot say
 * (not cached, so the next event asks again). `userTeam`: the team an event says the user belongs to
 * (Slack Connect events carry `user_team`), which answers without a call when it is not ours.
 */
export async function sideOf(
  services: Services,
  teamId: string,
  userId: string,
  userTeam?: string,
): Promise<Side> {
  if (userTeam && userTeam !== teamId) return 'customer';
  let cache = caches.get(services);
  if (!cache) {
    cache = new Map();
    caches.set(services, cache);
  }
  const key = `${teamId}:${userId}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.side;
  let side: Side;
  try {
    const client = await services.slackClient(teamId);
    const { user } = await client.users.info({ user: userId });
    if (!user) return 'unknown';
    side = !user.is_bot && isOutsider(user, teamId) ? 'customer' : 'team';
  } catch (err) {
    services.logger.warn({ err, team: teamId }, 'users.info failed; engagement by this user not counted');
    return 'unknown';
  }
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, { side, at: Date.now() });
  return side;
}
