/**
 * Gong's recorded calls for the handoff: `POST /v2/calls/extensive` with the participants exposed, paged
 * by cursor, then matched to the account by its web domain or its contacts' addresses. Gong cannot filter
 * by participant, so the filter is the date range and the matching is ours.
 *
 * help.gong.io/apidocs/retrieve-detailed-call-data-by-various-filters-v2callsextensive-2: body
 * `{cursor?, filter: {fromDateTime, toDateTime}, contentSelector: {exposedFields: {parties: true}}}`,
 * scope `api:calls:read:extensive`; the answer is `{records: {cursor?}, calls: [{metaData, parties}]}`
 * and 100 calls a page; like `GET /v2/calls`, a range without calls is a 404 "No calls found".
 */
import { bearerJsonClient } from '../http-client.js';
import type { CallFacts, CallQuery, CallSource, ProviderApiContext } from '../types.js';
import { isNoCallsFound } from './errors.js';

/**
 * Gong allows 3 calls a second and 10,000 a day per company: a handoff reads at most this many pages
 * (1,000 calls in its window) rather than walking a huge company's whole quarter.
 */
const MAX_PAGES = 10;
/** Pages are read no faster than Gong's 3 calls a second; a 429 beyond that goes back to the job's retry. */
const PAGE_GAP_MS = 350;

interface ExtensiveCall {
  metaData?: {
    id?: string;
    url?: string;
    title?: string;
    started?: string;
    duration?: number;
  };
  parties?: { name?: string; emailAddress?: string }[];
}

interface ExtensivePage {
  records?: { cursor?: string };
  calls?: ExtensiveCall[];
}

export const gongCalls: CallSource = {
  async recentCalls(ctx, query) {
    const matches = matcher(query);
    const found: CallFacts[] = [];
    for (const call of await callsBetween(ctx, query.from, query.to)) {
      const facts = toFacts(call);
      if (facts?.participants.some((p) => p.email && matches(p.email))) found.push(facts);
    }
    found.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
    return found.slice(0, query.limit);
  },
};

async function callsBetween(ctx: ProviderApiContext, from: string, to: string): Promise<ExtensiveCall[]> {
  const client = bearerJsonClient(ctx);
  const calls: ExtensiveCall[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    if (page > 0) await new Promise((r) => setTimeout(r, PAGE_GAP_MS));
    let body: ExtensivePage;
    try {
      body = await client.post<ExtensivePage>('/v2/calls/extensive', {
        ...(cursor ? { cursor } : {}),
        filter: { fromDateTime: from, toDateTime: to },
        contentSelector: { exposedFields: { parties: true } },
      });
    } catch (err) {
      if (isNoCallsFound(err)) break;
      throw err;
    }
    calls.push(...(body.calls ?? []));
    cursor = body.records?.cursor;
    if (!cursor) break;
  }
  return calls;
}

/** A participant belongs to the account when their address is a contact's or on its domain (or a subdomain). */
function matcher(query: CallQuery): (email: string) => boolean {
  const emails = new Set(query.emails.map((e) => e.trim().toLowerCase()).filter(Boolean));
  const domain =
    query.domain
      ?.trim()
      .toLowerCase()
      .replace(/^www\./, '') || null;
  return (email) => {
    const e = email.trim().toLowerCase();
    if (emails.has(e)) return true;
    if (!domain) return false;
    const host = e.slice(e.lastIndexOf('@') + 1);
    return host === domain || host.endsWith(`.${domain}`);
  };
}

function toFacts(call: ExtensiveCall): CallFacts | undefined {
  const m = call.metaData;
  if (!m?.id || !m.started || Number.isNaN(Date.parse(m.started))) return undefined;
  return {
    id: m.id,
    title: m.title?.trim() || null,
    startedAt: m.started,
    durationSeconds: typeof m.duration === 'number' && m.duration >= 0 ? m.duration : null,
    url: m.url ?? null,
    participants: (call.parties ?? []).map((p) => ({
      name: p.name?.trim() || null,
      email: p.emailAddress?.trim() || null,
    })),
  };
}
