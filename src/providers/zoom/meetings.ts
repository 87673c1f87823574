/**
 * Zoom as a `MeetingSource`: a scheduled meeting whose join link goes on a calendar event.
 * developers.zoom.us/docs/api/meetings/#tag/meetings/POST/users/{userId}/meetings: `POST
 * /users/me/meetings` (granular scope `meeting:write:meeting`) with `type: 2` (scheduled), `start_time`
 * as `yyyy-MM-ddTHH:mm:ssZ` (UTC) or a local time with `timezone`, `duration` in minutes; 201 with the
 * meeting's `id` and `join_url`.
 */
import { bearerJsonClient } from '../http-client.js';
import type { MeetingSource } from '../types.js';

const SCHEDULED = 2;

interface CreatedMeeting {
  id: number;
  join_url: string;
}

export const zoomMeetings: MeetingSource = {
  async createMeeting(ctx, meeting) {
    const created = await bearerJsonClient(ctx).post<CreatedMeeting>('/users/me/meetings', {
      topic: meeting.topic.slice(0, 200),
      type: SCHEDULED,
      // UTC with the Z: Zoom then reads the time as an instant whatever the zone is.
      start_time: new Date(meeting.start).toISOString().replace(/\.\d+Z$/, 'Z'),
      duration: meeting.durationMinutes,
      timezone: meeting.timeZone,
    });
    return { id: String(created.id), joinUrl: created.join_url };
  },
};
