/** A meeting with its account, in the views' shape (views never see rows). */

import type { Meeting } from '../../app/db-types.js';
import type { Services } from '../../app/services.js';
import { findProviderDefinition } from '../../providers/registry.js';
import type { MeetingView } from '../../views/messages/meetings.js';

export interface LoadedMeeting {
  meeting: Meeting;
  account: { id: string; name: string; csmUserId: string | null; customerChannelId: string | null };
  view: MeetingView;
}

/** The calendar as people call it. */
export function calendarName(provider: string): string {
  if (provider === 'google') return 'Google Calendar';
  if (provider === 'microsoft') return 'Outlook Calendar';
  return findProviderDefinition(provider)?.name ?? provider;
}

/** The meeting of this team (an id from a button or a job), or undefined when it is not the team's. */
export async function loadMeeting(
  services: Services,
  meetingId: string,
  teamId?: string,
): Promise<LoadedMeeting | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(meetingId)) return undefined;
  let q = services.db
    .selectFrom('meetings as m')
    .innerJoin('accounts as a', 'a.id', 'm.account_id')
    .selectAll('m')
    .select([
      'a.name as account_name',
      'a.csm_user_id as account_csm',
      'a.customer_channel_id as account_channel',
    ])
    .where('m.id', '=', meetingId);
  if (teamId) q = q.where('m.team_id', '=', teamId);
  const row = await q.executeTakeFirst();
  if (!row) return undefined;
  const { account_name, account_csm, account_channel, ...meeting } = row;
  return {
    meeting,
    account: {
      id: meeting.account_id,
      name: account_name,
      csmUserId: account_csm,
      customerChannelId: account_channel,
    },
    view: {
      id: meeting.id,
      title: meeting.title,
      accountName: account_name,
      startsAt: meeting.starts_at,
      endsAt: meeting.ends_at,
      joinUrl: meeting.join_url,
      calendarName: calendarName(meeting.provider),
      csmUserId: account_csm,
    },
  };
}
