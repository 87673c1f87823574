/**
 * Which channels are customer channels, per team, cached in memory. Every message and reaction in every
 * channel Thread is in reaches us; all but the customer channels' must be dropped at no database cost,
 * so this answers from memory. The cache is dropped on every link and unlink in this process; another
 * instance picks a change up within `TTL_MS`.
 */
import type { Services } from '../../app/services.js';

const TTL_MS = 60_000;

interface TeamChannels {
  /** channel id → account id */
  byChannel: Map<string, string>;
  at: number;
}

const caches = new WeakMap<Services, Map<string, Promise<TeamChannels>>>();

function cacheOf(services: Services) {
  let cache = caches.get(services);
  if (!cache) {
    cache = new Map();
    caches.set(services, cache);
  }
  return cache;
}

async function load(services: Services, teamId: string): Promise<TeamChannels> {
  const rows = await services.db
    .selectFrom('accounts')
    .select(['id', 'customer_channel_id'])
    .where('team_id', '=', teamId)
    .where('customer_channel_id', 'is not', null)
    .execute();
  return { byChannel: new Map(rows.map((r) => [r.customer_channel_id!, r.id])), at: Date.now() };
}

/** The account whose customer channel `channelId` is, or undefined (the common case: not tracked). */
export async function trackedAccount(
  services: Services,
  teamId: string,
  channelId: string,
): Promise<string | undefined> {
  const cache = cacheOf(services);
  let entry = cache.get(teamId);
  // One load shared by concurrent events (a promise is cached, not its result).
  const fresh = entry && (await entry.catch(() => undefined));
  if (!entry || !fresh || Date.now() - fresh.at > TTL_MS) {
    entry = load(services, teamId);
    cache.set(teamId, entry);
    entry.catch(() => cache.delete(teamId));
  }
  return (await entry).byChannel.get(channelId);
}

/** After a link or unlink: the next event reloads the team's channels. */
export function forgetTrackedChannels(services: Services, teamId: string): void {
  cacheOf(services).delete(teamId);
}
