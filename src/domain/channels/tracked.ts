/**
 * Which channels are customer channels, per team, cached in memory. Every message and reaction in every
 * channel Thread is in reaches us; all but the customer channels' must be dropped at no database cost,
 * so this answers from memory. The cache is dropped on every link and unlink in this process; another
 * instance picks a change up within `TTL_MS`.
 */
import type { Services } from '../../app/services.js';

const TTL_MS = 60_000;

/** Channel ids only: which account a channel belongs to is read with the event's one lookup, never stale. */
interface TeamChannels {
  ids: Set<string>;
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
    .select('customer_channel_id')
    .where('team_id', '=', teamId)
    .where('customer_channel_id', 'is not', null)
    .execute();
  return { ids: new Set(rows.map((r) => r.customer_channel_id!)), at: Date.now() };
}

/** Whether `channelId` is some account's customer channel (the common answer: no). */
export async function isTrackedChannel(
  services: Services,
  teamId: string,
  channelId: string,
): Promise<boolean> {
  const cache = cacheOf(services);
  let entry = cache.get(teamId);
  // One load shared by concurrent events (a promise is cached, not its result).
  const fresh = entry && (await entry.catch(() => undefined));
  if (!entry || !fresh || Date.now() - fresh.at > TTL_MS) {
    entry = load(services, teamId);
    cache.set(teamId, entry);
    entry.catch(() => cache.delete(teamId));
  }
  return (await entry).ids.has(channelId);
}

/** After a link or unlink: the next event reloads the team's channels. */
export function forgetTrackedChannels(services: Services, teamId: string): void {
  cacheOf(services).delete(teamId);
}
