/**
 * "Schedule next meeting" submit: a time to come and a length from the list, else the modal says what
 * is wrong. Creating the event calls the calendar (seconds), so the modal closes first and the outcome
 * reaches the person as a DM; the meeting itself is posted like any scheduled one.
 */
import type { App } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { enqueueDelivery } from '../../../domain/deliveries/deliveries.js';
import { openDm } from '../../../domain/deliveries/dm.js';
import { meetingFor } from '../../../domain/meetings/actions.js';
import { scheduleMeeting } from '../../../domain/meetings/schedule.js';
import { knownZone } from '../../../domain/meetings/when.js';
import { VIEWS } from '../../../views/ids.js';
import {
  alreadyScheduledMessage,
  noCalendarMessage,
  refusalWords,
  scheduledReply,
  scheduleFailedMessage,
} from '../../../views/messages/meetings.js';
import {
  LENGTH_BLOCK,
  LENGTH_INPUT,
  MEETING_LENGTHS,
  WHEN_BLOCK,
  WHEN_INPUT,
} from '../../../views/modals/meetings.js';

export function registerMeetingNext(app: App, services: Services): void {
  app.view(VIEWS.meetingNext, async ({ ack, body, view, context }) => {
    const teamId = context.teamId;
    if (!teamId) return ack();
    const access = await meetingFor(services, teamId, view.private_metadata, body.user.id);
    if (!access.ok) return ack({ response_action: 'errors', errors: { [WHEN_BLOCK]: refusalWords(access) } });
    const seconds = view.state.values[WHEN_BLOCK]?.[WHEN_INPUT]?.selected_date_time;
    const minutes = Number(view.state.values[LENGTH_BLOCK]?.[LENGTH_INPUT]?.selected_option?.value);
    if (typeof seconds !== 'number' || seconds * 1000 <= Date.now()) {
      return ack({
        response_action: 'errors',
        errors: { [WHEN_BLOCK]: 'Pick a time that is still to come.' },
      });
    }
    if (!(MEETING_LENGTHS as readonly number[]).includes(minutes)) {
      return ack({
        response_action: 'errors',
        errors: { [LENGTH_BLOCK]: 'Pick one of the lengths listed.' },
      });
    }
    await ack();
    const { meeting, account } = access.found;
    const userId = body.user.id;
    void services.inflight.track(
      (async () => {
        const outcome = await scheduleMeeting(services, {
          teamId,
          userId,
          accountId: account.id,
          start: new Date(seconds * 1000),
          minutes,
          timeZone: knownZone(meeting.time_zone ?? undefined),
          kind: 'follow_up',
        });
        const message =
          outcome.outcome === 'no calendar'
            ? noCalendarMessage(outcome.names)
            : outcome.outcome === 'calendar failed'
              ? scheduleFailedMessage(outcome.calendarName)
              : outcome.outcome === 'already'
                ? alreadyScheduledMessage(outcome.existing)
                : scheduledReply(outcome.view, outcome.postedTo, outcome.zoom);
        const dm = await openDm(services, teamId, userId);
        if (dm) {
          await enqueueDelivery(services, {
            teamId,
            channel: dm,
            key: `meeting:${meeting.id}:next:${body.view.id}`,
            message,
          });
        }
      })().catch((err) => services.logger.error({ err }, 'scheduling the next meeting failed')),
    );
  });
}
