/**
 * A Slack Web API emulator: the methods Thread calls, recorded; Block Kit limits enforced the way Slack
 * enforces them (so an oversize view fails in tests, not in production); chat.postMessage paced at about
 * one message per second per channel with 429 + Retry-After; response_url endpoints; the OAuth v2
 * install flow.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { type EmulatorRequest, type EmulatorResponse, type RunningServer, serve } from './http.js';
import { issuedSecret } from './issued-secrets.js';
import { type ChannelsEmulation, channelsEmulation } from './slack-channels.js';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  token?: string;
  at: number;
  /** Set once the emulator has answered (slowNext delays it). */
  answeredAt?: number;
}

export interface SlackUser {
  id: string;
  name: string;
  is_admin?: boolean;
  is_owner?: boolean;
  email?: string;
  tz?: string;
  /** Customer channels: someone from another workspace (Slack Connect) has their own team id. */
  team_id?: string;
  /** Guests: multi-channel (`is_restricted`) and single-channel (`is_ultra_restricted`). */
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
}

export interface SlackEmulatorOptions {
  teamId?: string;
  teamName?: string;
  botToken?: string;
  users?: SlackUser[];
  /** Messages allowed in a burst per channel before 429 (Slack tolerates short bursts). */
  burst?: number;
  /** App-level token accepted by apps.connections.open (Socket Mode). */
  appToken?: string;
}

export interface PostedMessage {
  ts: string;
  text?: unknown;
  blocks?: unknown[];
  /** Set on a reply in a thread: the parent's ts. */
  thread_ts?: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

export type SocketEnvelopeType = 'slash_commands' | 'events_api' | 'interactive';

export interface SlackEmulator extends RunningServer {
  apiUrl: string;
  teamId: string;
  botToken: string;
  calls: SlackCall[];
  /** Bodies posted to response URLs, by response URL. */
  responses: { url: string; body: Record<string, unknown> }[];
  responseUrl(): string;
  callsTo(method: string): SlackCall[];
  /** The newest view published to a user's Home tab. */
  homeOf(userId: string): Record<string, unknown> | undefined;
  /** Makes the next call to `method` fail with a Slack error (or an HTTP status). */
  failNext(method: string, error: string | { status: number; retryAfter?: number }): void;
  /** Makes the next call to `method` answer only after `ms`. */
  slowNext(method: string, ms: number): void;
  /** Every call to `method` answers after `ms` (Slack's own latency); `undefined`: at once again. */
  latency(method: string, ms: number | undefined): void;
  /** Messages posted, per channel, oldest first (what conversations.history serves). */
  messages: Map<string, PostedMessage[]>;
  /** Holds every chat.postMessage to `channel` until the returned function is called. */
  holdPosts(channel: string): () => void;
  addUser(user: SlackUser): void;
  /** Channels known to the emulator (customer channels): conversations.* methods and post refusals. */
  channels: ChannelsEmulation;
  /** Issues an OAuth code for the install flow (what Slack's consent page would do). */
  issueInstallCode(teamId?: string): string;
  /** Socket Mode: resolves once an app has connected and been greeted. */
  socketConnected(): Promise<void>;
  /** Socket Mode: delivers an envelope over the socket; resolves with the app's ack payload. */
  socketDeliver(type: SocketEnvelopeType, payload: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export const DEFAULT_USERS: SlackUser[] = [
  { id: 'UADMIN', name: 'ana.admin', is_admin: true, email: 'ana@example.com' },
  { id: 'UOWNER', name: 'omar.owner', is_owner: true, is_admin: true, email: 'omar@example.com' },
  { id: 'UMEMBER', name: 'mo.member', email: 'mo@example.com' },
];

// Slack's published limits (Block Kit reference).
const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  buttonText: 75,
  actionId: 255,
  buttonValue: 2000,
  url: 3000,
  privateMetadata: 3000,
  callbackId: 255,
  viewTitle: 24,
};

export async function startSlackEmulator(options: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
  const teamId = options.teamId ?? 'T0TEAM1';
  const botToken = issuedSecret(options.botToken ?? `xoxb-${randomBytes(12).toString('hex')}`);
  const users = new Map((options.users ?? DEFAULT_USERS).map((u) => [u.id, u]));
  const calls: SlackCall[] = [];
  const responses: { url: string; body: Record<string, unknown> }[] = [];
  const faults = new Map<string, (string | { status: number; retryAfter?: number })[]>();
  const postTimes = new Map<string, number[]>();
  const delays = new Map<string, number>();
  const latencies = new Map<string, number>();
  const messages = new Map<string, PostedMessage[]>();
  const holds = new Map<string, Promise<void>>();
  const installCodes = new Map<string, string>();
  const tokens = new Map<string, string>([[botToken, teamId]]);
  const burst = options.burst ?? 3;
  let tsCounter = 0;
  const channelState = channelsEmulation();
  let base = '';

  const ok = (extra: Record<string, unknown> = {}): EmulatorResponse => ({ json: { ok: true, ...extra } });
  const fail = (error: string, extra: Record<string, unknown> = {}): EmulatorResponse => ({
    json: { ok: false, error, ...extra },
  });

  const handler = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    if (req.path.startsWith('/response/')) {
      responses.push({ url: `${base}${req.path}`, body: req.body });
      return { json: { ok: true } };
    }
    if (req.path === '/oauth/v2/authorize') {
      // The consent screen, auto-approved: redirect back with a code and the state.
      const redirect = req.url.searchParams.get('redirect_uri') ?? '';
      const code = issueInstallCode();
      const target = new URL(redirect);
      target.searchParams.set('code', code);
      target.searchParams.set('state', req.url.searchParams.get('state') ?? '');
      return { redirect: target.toString() };
    }
    const m = req.path.match(/^\/api\/([\w.]+)$/);
    if (!m) return { status: 404, text: 'not found' };
    const method = m[1]!;
    const args = { ...Object.fromEntries(req.url.searchParams), ...req.body };
    for (const k of ['blocks', 'view', 'attachments']) {
      if (typeof args[k] === 'string') {
        try {
          args[k] = JSON.parse(args[k] as string);
        } catch {
          /* leave as is: validation below reports it */
        }
      }
    }
    const auth = String(req.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : (args.token as string | undefined);
    const call: SlackCall = { method, args, token, at: Date.now() };
    calls.push(call);
    const delay = delays.get(method) ?? latencies.get(method);
    delays.delete(method);
    if (delay) await new Promise((r) => setTimeout(r, delay));
    call.answeredAt = Date.now();

    const queued = faults.get(method);
    if (queued?.length) {
      const f = queued.shift()!;
      if (typeof f === 'string') return fail(f);
      return {
        status: f.status,
        headers: f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {},
        json: { ok: false, error: f.status === 429 ? 'ratelimited' : 'internal_error' },
      };
    }

    if (method === 'oauth.v2.access') return oauthAccess(req, args);
    if (method === 'apps.connections.open') {
      if (!options.appToken || token !== options.appToken) return fail('invalid_auth');
      return ok({
        url: `ws://127.0.0.1:${(sockets.address() as AddressInfo).port}/link/?ticket=${randomBytes(6).toString('hex')}`,
      });
    }
    if (!token || !tokens.has(token)) return fail('invalid_auth');
    const team = tokens.get(token)!;
    const held = method === 'chat.postMessage' ? holds.get(String(args.channel)) : undefined;
    if (held) await held;
    return api(method, args, team, token);
  };

  const api = (
    method: string,
    args: Record<string, unknown>,
    team: string,
    token: string,
  ): EmulatorResponse => {
    const channelAnswer = channelState.handle(method, args, (id) => users.has(id));
    if (channelAnswer) return { json: channelAnswer };

    switch (method) {
      case 'auth.test':
        return ok({
          team_id: team,
          team: options.teamName ?? 'Acme CS',
          user_id: 'UBOT',
          bot_id: 'BBOT',
          url: 'https://acme.slack.com/',
        });
      case 'chat.postMessage': {
        const problem = checkMessage(args) ?? channelState.postProblem(String(args.channel));
        if (problem) return fail(problem);
        const channel = String(args.channel ?? '');
        const now = Date.now();
        const recent = (postTimes.get(channel) ?? []).filter((t) => now - t < 1000 * burst);
        if (recent.length >= burst) {
          calls.pop();
          return { status: 429, headers: { 'retry-after': '1' }, json: { ok: false, error: 'ratelimited' } };
        }
        recent.push(now);
        postTimes.set(channel, recent);
        // Message metadata (https://docs.slack.dev/messaging/message-metadata): an `event_type` and an
        // `event_payload` object, both required when metadata is given.
        let metadata: PostedMessage['metadata'];
        if (args.metadata !== undefined) {
          const m = (typeof args.metadata === 'string' ? JSON.parse(args.metadata) : args.metadata) as Record<
            string,
            unknown
          >;
          if (typeof m?.event_type !== 'string' || typeof m.event_payload !== 'object' || !m.event_payload) {
            return fail('invalid_metadata_format');
          }
          metadata = m as PostedMessage['metadata'];
        }
        const ts = nextTs();
        const list = messages.get(channel) ?? [];
        const blocks = typeof args.blocks === 'string' ? JSON.parse(args.blocks) : args.blocks;
        list.push({
          ts,
          text: args.text,
          ...(Array.isArray(blocks) ? { blocks } : {}),
          ...(args.thread_ts ? { thread_ts: String(args.thread_ts) } : {}),
          ...(metadata ? { metadata } : {}),
        });
        messages.set(channel, list);
        return ok({ channel, ts, message: { text: args.text } });
      }
      case 'conversations.history': {
        // https://docs.slack.dev/reference/methods/conversations.history: newest first, `oldest`/`latest`
        // bounds (exclusive by default), `limit` ≤ 999 (default 100), cursor paging through
        // response_metadata.next_cursor; metadata only with `include_all_metadata`.
        const channel = String(args.channel ?? '');
        if (!channel) return fail('channel_not_found');
        const oldest = Number(args.oldest ?? 0);
        const limit = Math.min(Number(args.limit ?? 100) || 100, 999);
        const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
        const all = [...(messages.get(channel) ?? [])].reverse().filter((m) => Number(m.ts) > oldest);
        const start = args.cursor ? Number(Buffer.from(String(args.cursor), 'base64').toString()) : 0;
        const page = all.slice(start, start + limit).map((m) => {
          const { metadata, ...rest } = m;
          return { type: 'message', ...rest, ...(withMetadata && metadata ? { metadata } : {}) };
        });
        const more = start + limit < all.length;
        return ok({
          messages: page,
          has_more: more,
          response_metadata: {
            next_cursor: more ? Buffer.from(String(start + limit)).toString('base64') : '',
          },
        });
      }
      case 'chat.postEphemeral': {
        const problem = checkMessage(args);
        return problem ? fail(problem) : ok({ message_ts: nextTs() });
      }
      case 'chat.update': {
        const problem = checkMessage(args);
        return problem ? fail(problem) : ok({ channel: args.channel, ts: args.ts });
      }
      case 'views.publish':
      case 'views.open':
      case 'views.update':
      case 'views.push': {
        if (method === 'views.open' || method === 'views.push') {
          // docs.slack.dev/reference/methods/views.open: a trigger_id is required and "expires in 3
          // seconds"; an unknown or stale one is `invalid_trigger_id` / `expired_trigger_id`.
          const issued = /^trigger\.(\d+)$/.exec(String(args.trigger_id ?? ''));
          if (!issued) return fail('invalid_trigger_id');
          if (Date.now() - Number(issued[1]) > 3000) return fail('expired_trigger_id');
        }
        const view = args.view as Record<string, unknown> | undefined;
        if (!view || typeof view !== 'object') return fail('invalid_arguments');
        const problem = checkView(view, method === 'views.publish' ? 'home' : 'modal');
        if (problem) return fail('invalid_arguments', { response_metadata: { messages: [problem] } });
        return ok({ view: { id: `V${++tsCounter}`, ...view } });
      }
      case 'users.info': {
        const u = users.get(String(args.user));
        if (!u) return fail('user_not_found');
        return ok({
          user: {
            id: u.id,
            team_id: u.team_id ?? team,
            name: u.name,
            real_name: u.name,
            is_admin: Boolean(u.is_admin),
            is_owner: Boolean(u.is_owner),
            is_restricted: Boolean(u.is_restricted),
            is_ultra_restricted: Boolean(u.is_ultra_restricted),
            is_bot: false,
            tz: u.tz ?? 'Europe/Paris',
            profile: { email: u.email, real_name: u.name, display_name: u.name },
          },
        });
      }
      case 'users.lookupByEmail': {
        // docs.slack.dev/reference/methods/users.lookupByEmail: needs users:read.email; an address
        // nobody in the workspace has is `users_not_found`; the match ignores case.
        const email = String(args.email ?? '').toLowerCase();
        if (!email) return fail('invalid_arguments');
        // People of this workspace only (a Slack Connect partner's users are not found).
        const u = [...users.values()].find(
          (x) => x.email?.toLowerCase() === email && (!x.team_id || x.team_id === team),
        );
        if (!u) return fail('users_not_found');
        return ok({
          user: {
            id: u.id,
            team_id: team,
            name: u.name,
            real_name: u.name,
            deleted: false,
            is_bot: false,
            profile: { email: u.email, real_name: u.name, display_name: u.name },
          },
        });
      }
      case 'conversations.open':
        return ok({ channel: { id: `D${String(args.users ?? 'X').replace(/,/g, '')}` } });
      case 'auth.revoke':
        tokens.delete(token);
        return ok({ revoked: true });
      default:
        return fail('unknown_method');
    }
  };

  function oauthAccess(req: EmulatorRequest, args: Record<string, unknown>): EmulatorResponse {
    const code = String(args.code ?? '');
    const forTeam = installCodes.get(code);
    if (!forTeam) return fail('invalid_code');
    installCodes.delete(code);
    // Client auth: Basic header or client_id/client_secret in the body, as Slack accepts both.
    const basic = String(req.headers.authorization ?? '');
    if (!basic.startsWith('Basic ') && !(args.client_id && args.client_secret))
      return fail('invalid_client_id');
    const issued = `xoxb-${randomBytes(12).toString('hex')}`;
    tokens.set(issued, forTeam);
    return ok({
      access_token: issued,
      token_type: 'bot',
      scope: 'commands,chat:write',
      bot_user_id: 'UBOT',
      app_id: 'A0THREAD',
      team: { id: forTeam, name: 'Installed Team' },
      enterprise: null,
      is_enterprise_install: false,
      authed_user: { id: 'UADMIN' },
    });
  }

  function issueInstallCode(forTeam = teamId): string {
    const code = `code-${randomBytes(8).toString('hex')}`;
    installCodes.set(code, forTeam);
    return code;
  }

  function nextTs(): string {
    tsCounter++;
    return `${Math.floor(Date.now() / 1000)}.${String(tsCounter).padStart(6, '0')}`;
  }

  // Socket Mode: a WebSocket server that greets with `hello`, sends envelopes, and collects acks.
  const sockets = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => sockets.once('listening', () => r()));
  const acks = new Map<string, (payload: Record<string, unknown>) => void>();
  let connected: WebSocket | undefined;
  let onConnected: (() => void)[] = [];
  sockets.on('connection', (ws) => {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: Record<string, unknown> };
      if (msg.envelope_id) acks.get(msg.envelope_id)?.(msg.payload ?? {});
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0THREAD' } }));
    connected = ws;
    for (const f of onConnected) f();
    onConnected = [];
  });

  const server = await serve(handler);
  base = server.url;
  return {
    ...server,
    async close() {
      for (const c of sockets.clients) c.terminate();
      await new Promise<void>((r) => sockets.close(() => r()));
      await server.close();
    },
    socketConnected: () => (connected ? Promise.resolve() : new Promise<void>((r) => onConnected.push(r))),
    socketDeliver(type, payload) {
      if (!connected) throw new Error('no Socket Mode connection');
      const envelopeId = randomBytes(8).toString('hex');
      const acked = new Promise<Record<string, unknown>>((r) => acks.set(envelopeId, r));
      connected.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: type !== 'events_api',
        }),
      );
      return acked;
    },
    apiUrl: `${server.url}/api/`,
    teamId,
    botToken,
    calls,
    responses,
    responseUrl: () => `${server.url}/response/${randomBytes(6).toString('hex')}`,
    callsTo: (method) => calls.filter((c) => c.method === method),
    homeOf: (userId) =>
      calls
        .filter((c) => c.method === 'views.publish' && c.args.user_id === userId)
        .map((c) => c.args.view as Record<string, unknown>)
        .at(-1),
    failNext(method, error) {
      faults.set(method, [...(faults.get(method) ?? []), error]);
    },
    slowNext: (method, ms) => delays.set(method, ms),
    latency: (method, ms) => (ms === undefined ? latencies.delete(method) : latencies.set(method, ms)),
    messages,
    holdPosts(channel) {
      let release = () => {};
      holds.set(
        channel,
        new Promise<void>((r) => {
          release = () => {
            holds.delete(channel);
            r();
          };
        }),
      );
      return () => release();
    },
    addUser: (u) => users.set(u.id, u),
    channels: channelState,
    issueInstallCode,
  };
}

function checkMessage(args: Record<string, unknown>): string | undefined {
  if (!args.channel) return 'channel_not_found';
  const blocks = args.blocks as unknown[] | undefined;
  if (!args.text && !blocks?.length) return 'no_text';
  if (blocks) {
    if (!Array.isArray(blocks)) return 'invalid_blocks_format';
    if (blocks.length > LIMITS.messageBlocks) return 'invalid_blocks';
    if (blocks.some((b) => checkBlock(b as Record<string, unknown>))) return 'invalid_blocks';
  }
  return undefined;
}

export function checkView(view: Record<string, unknown>, expected: 'home' | 'modal'): string | undefined {
  if (view.type !== expected) return `view type must be ${expected}`;
  const blocks = view.blocks as Record<string, unknown>[] | undefined;
  if (!Array.isArray(blocks)) return 'blocks missing';
  if (blocks.length > LIMITS.viewBlocks) return `too many blocks (${blocks.length} > ${LIMITS.viewBlocks})`;
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > LIMITS.privateMetadata) {
    return 'private_metadata too long';
  }
  if (typeof view.callback_id === 'string' && view.callback_id.length > LIMITS.callbackId)
    return 'callback_id too long';
  for (const key of ['title', 'submit', 'close']) {
    const t = view[key] as { text?: string } | undefined;
    if (t?.text && t.text.length > LIMITS.viewTitle)
      return `${key} longer than ${LIMITS.viewTitle} characters`;
  }
  for (const b of blocks) {
    const problem = checkBlock(b);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * docs.slack.dev/reference/block-kit/blocks/input-block: `label` (max 2000 characters) and `element` are
 * required, `hint` max 2000; …/block-elements/plain-text-input-element: `max_length` at most 3000 and an
 * `initial_value` longer than it is refused.
 */
function checkInput(block: Record<string, unknown>): string | undefined {
  const label = (block.label as { text?: string } | undefined)?.text;
  if (!label) return 'input block without label';
  if (label.length > 2000) return 'input label over 2000 characters';
  if (((block.hint as { text?: string } | undefined)?.text?.length ?? 0) > 2000)
    return 'input hint over 2000';
  const el = block.element as Record<string, unknown> | undefined;
  if (!el?.type) return 'input block without element';
  if (el.type === 'plain_text_input') {
    const max = (el.max_length as number | undefined) ?? 3000;
    if (max > 3000) return 'max_length over 3000';
    if (typeof el.initial_value === 'string' && el.initial_value.length > max)
      return 'initial_value longer than max_length';
  }
  return undefined;
}

export function checkBlock(block: Record<string, unknown>): string | undefined {
  if (block.type === 'input') return checkInput(block);
  const text = block.text as { text?: string } | undefined;
  if (block.type === 'section') {
    if (text?.text !== undefined && text.text.length > LIMITS.sectionText)
      return 'section text over 3000 characters';
    if (!text?.text && !block.fields) return 'section without text';
  }
  if (block.type === 'header' && (text?.text?.length ?? 0) > 150) return 'header over 150 characters';
  const elements = [
    ...(((block.elements as Record<string, unknown>[]) ?? []) as Record<string, unknown>[]),
    ...(block.accessory ? [block.accessory as Record<string, unknown>] : []),
  ];
  for (const el of elements) {
    if (el.type === 'button') {
      const t = (el.text as { text?: string } | undefined)?.text ?? '';
      if (t.length > LIMITS.buttonText) return 'button text over 75 characters';
      if (typeof el.value === 'string' && el.value.length > LIMITS.buttonValue)
        return 'button value over 2000';
      if (typeof el.url === 'string' && el.url.length > LIMITS.url) return 'button url over 3000';
    }
    if (typeof el.action_id === 'string' && el.action_id.length > LIMITS.actionId)
      return 'action_id over 255';
  }
  return undefined;
}
