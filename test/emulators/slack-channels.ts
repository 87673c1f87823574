/**
 * The Slack emulator's channels: the Web API methods customer channels use, with Slack's own argument
 * rules and error names. Only channels added here (or created through the API) are known; a post to
 * one of them is refused as Slack refuses it (archived, Thread not a member).
 */

export interface EmulatedChannel {
  id: string;
  name: string;
  is_private?: boolean;
  is_archived?: boolean;
  /** Slack Connect: shared with another organisation's workspace. */
  is_ext_shared?: boolean;
  /** Whether Thread's bot is in it. */
  is_member?: boolean;
  members?: string[];
}

type Answer = { ok: true; [k: string]: unknown } | { ok: false; error: string; [k: string]: unknown };

export interface ChannelsEmulation {
  channels: Map<string, EmulatedChannel & { members: string[] }>;
  add(channel: EmulatedChannel): void;
  /** Thread removed from the channel, or archived, as a person would do in Slack. */
  update(id: string, change: Partial<EmulatedChannel>): void;
  /** The answer for `method`, or undefined when it is not a channel method. */
  handle(
    method: string,
    args: Record<string, unknown>,
    userExists: (id: string) => boolean,
  ): Answer | undefined;
  /** Why chat.postMessage to `channel` fails, if it does (unknown channels are left to the caller). */
  postProblem(channel: string): string | undefined;
}

// https://docs.slack.dev/reference/methods/conversations.create — "Channel names may only contain
// lowercase letters, numbers, hyphens, and underscores, and must be 80 characters or less."
const NAME_OK = /^[a-z0-9_-]+$/;
const NAME_MAX = 80;

export function channelsEmulation(): ChannelsEmulation {
  const channels = new Map<string, EmulatedChannel & { members: string[] }>();
  let counter = 0;

  const view = (c: EmulatedChannel & { members: string[] }) => ({
    id: c.id,
    name: c.name,
    name_normalized: c.name,
    is_channel: !c.is_private,
    is_group: Boolean(c.is_private),
    is_im: false,
    is_private: Boolean(c.is_private),
    is_archived: Boolean(c.is_archived),
    is_general: false,
    is_shared: Boolean(c.is_ext_shared),
    is_ext_shared: Boolean(c.is_ext_shared),
    is_org_shared: false,
    is_pending_ext_shared: false,
    is_member: Boolean(c.is_member),
    created: 1_700_000_000,
  });

  /** A private channel Thread is not in does not exist, as far as Slack tells Thread. */
  const visible = (id: unknown) => {
    const c = channels.get(String(id ?? ''));
    return c && (!c.is_private || c.is_member) ? c : undefined;
  };

  return {
    channels,
    add(c) {
      channels.set(c.id, { ...c, members: [...(c.members ?? [])] });
    },
    update(id, change) {
      const c = channels.get(id);
      if (!c) throw new Error(`no emulated channel ${id}`);
      Object.assign(c, change);
    },
    postProblem(id) {
      const c = channels.get(id);
      if (!c) return undefined;
      // https://docs.slack.dev/reference/methods/chat.postMessage — errors: is_archived, not_in_channel
      // (a private channel Thread is not in is channel_not_found).
      if (c.is_archived) return 'is_archived';
      if (!c.is_member) return c.is_private ? 'channel_not_found' : 'not_in_channel';
      return undefined;
    },
    handle(method, args, userExists) {
      switch (method) {
        // https://docs.slack.dev/reference/methods/conversations.info — channel_not_found for an id
        // Slack does not know or a private channel the caller is not in.
        case 'conversations.info': {
          if (!args.channel) return { ok: false, error: 'invalid_arguments' };
          const c = visible(args.channel);
          return c ? { ok: true, channel: view(c) } : { ok: false, error: 'channel_not_found' };
        }
        // https://docs.slack.dev/reference/methods/conversations.join — is_archived; a private channel
        // cannot be joined (method_not_supported_for_channel_type); already in → ok with a warning.
        case 'conversations.join': {
          const c = visible(args.channel);
          if (!c) return { ok: false, error: 'channel_not_found' };
          if (c.is_private) return { ok: false, error: 'method_not_supported_for_channel_type' };
          if (c.is_archived) return { ok: false, error: 'is_archived' };
          if (c.is_member) {
            return {
              ok: true,
              channel: view(c),
              warning: 'already_in_channel',
              response_metadata: { warnings: ['already_in_channel'] },
            };
          }
          c.is_member = true;
          return { ok: true, channel: view(c) };
        }
        // https://docs.slack.dev/reference/methods/conversations.create — name_taken (also for archived
        // channels' names), invalid_name_specials, invalid_name_maxlength, invalid_name_required.
        case 'conversations.create': {
          const name = typeof args.name === 'string' ? args.name : '';
          if (!name) return { ok: false, error: 'invalid_name_required' };
          if (name.length > NAME_MAX) return { ok: false, error: 'invalid_name_maxlength' };
          if (!NAME_OK.test(name)) return { ok: false, error: 'invalid_name_specials' };
          if ([...channels.values()].some((c) => c.name === name)) return { ok: false, error: 'name_taken' };
          const isPrivate = args.is_private === true || args.is_private === 'true';
          const c = {
            id: `${isPrivate ? 'G' : 'C'}NEW${String(++counter).padStart(4, '0')}`,
            name,
            is_private: isPrivate,
            is_member: true,
            members: [] as string[],
          };
          channels.set(c.id, c);
          return { ok: true, channel: view(c) };
        }
        // https://docs.slack.dev/reference/methods/conversations.invite — the caller must be a member
        // (not_in_channel); already_in_channel, user_not_found, cant_invite_self, is_archived. When one
        // of several users fails, none is invited.
        case 'conversations.invite': {
          const c = visible(args.channel);
          if (!c) return { ok: false, error: 'channel_not_found' };
          if (c.is_archived) return { ok: false, error: 'is_archived' };
          if (!c.is_member) return { ok: false, error: 'not_in_channel' };
          const users = String(args.users ?? '')
            .split(',')
            .map((u) => u.trim())
            .filter(Boolean);
          if (!users.length) return { ok: false, error: 'no_user' };
          for (const u of users) {
            if (u === 'UBOT') return { ok: false, error: 'cant_invite_self' };
            if (!userExists(u)) return { ok: false, error: 'user_not_found' };
            if (c.members.includes(u)) return { ok: false, error: 'already_in_channel' };
          }
          c.members.push(...users);
          return { ok: true, channel: view(c) };
        }
        default:
          return undefined;
      }
    },
  };
}
