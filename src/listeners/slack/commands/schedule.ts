/**
 * `/thread schedule kickoff <account> [YYYY-MM-DD HH:MM]`: the kickoff on the connected calendar, with
 * the customer invited (and a Zoom link when Zoom is connected), posted to the customer channel. The time
 * is read in the person's Slack time zone; without one, the next weekday at 10:00.
 */

import { canManage } from '../../../domain/connections/permissions.js';
import { accountNamed } from '../../../domain/meetings/account-lookup.js';
import { scheduleMeeting } from '../../../domain/meetings/schedule.js';
import { MAX_REMINDERS, reminderOffsets, setReminderOffsets } from '../../../domain/meetings/settings.js';
import { knownZone, nextWorkingMorning, parseWhen } from '../../../domain/meetings/when.js';
import { severalAccountsMessage } from '../../../views/messages/accounts.js';
import type { SlackMessage } from '../../../views/messages/help.js';
import {
  aheadWords,
  alreadyScheduledMessage,
  noCalendarMessage,
  plain,
  scheduledReply,
  scheduleFailedMessage,
  whenProblemMessage,
} from '../../../views/messages/meetings.js';
import { asTyped, escapeText, quoteInput } from '../../../views/mrkdwn.js';
import type { CommandContext, Subcommand } from './subcommand.js';

const USAGE =
  'Write it as `/thread schedule kickoff <account> [YYYY-MM-DD HH:MM]`, like `/thread schedule kickoff Acme 2026-12-03 15:00`.';
/** A trailing date (and time) is the when; the rest is the account's name. */
const TRAILING_WHEN = /\s+(\d{4}-\d{1,2}-\d{1,2}(?:[ T]\S+)?)$/;
const KICKOFF_MINUTES = 45;

export const scheduleCommand: Subcommand = {
  name: 'schedule',
  usage: 'schedule kickoff <account> [YYYY-MM-DD HH:MM] | schedule reminders [24h 1h …]',
  summary:
    'Creates the kickoff on the connected Google or Microsoft calendar with the customer invited (a Zoom link when Zoom is connected) and posts it; `reminders` shows or sets when meeting reminders go out.',
  example: '/thread schedule kickoff Acme 2026-12-03 15:00',
  async run({ services, teamId, userId, command, client }) {
    const rest = asTyped(command.text.trim().replace(/^\S+\s*/, ''));
    const [what, ...words] = rest.split(/\s+/);
    if ((what ?? '').toLowerCase() === 'reminders') return reminders(services, teamId, userId, words);
    if ((what ?? '').toLowerCase() !== 'kickoff') {
      return plain(`Thread schedules kickoffs for now. ${USAGE}`);
    }
    let name = words.join(' ');
    let typedWhen: string | undefined;
    const tail = TRAILING_WHEN.exec(name);
    if (tail) {
      typedWhen = tail[1]!;
      name = name.slice(0, tail.index).trim();
    }
    if (!name) return plain(`Which account? ${USAGE}`);

    const account = await accountNamed(services, teamId, name);
    if (account.found === 'several') return severalAccountsMessage(name, account.names, account.total);
    if (account.found === 'none') {
      return plain(
        `No account matches ${quoteInput(name)}.${account.suggestion ? ` Did you mean *${escapeText(account.suggestion)}*?` : ''} \`/thread accounts\` lists them all.`,
      );
    }

    const user = await client.users.info({ user: userId }).catch(() => undefined);
    const timeZone = knownZone(user?.user?.tz);
    let start: Date;
    if (typedWhen) {
      const when = parseWhen(typedWhen, timeZone, Date.now());
      if ('problem' in when) return whenProblemMessage(typedWhen, when.problem);
      start = when.at;
    } else {
      start = nextWorkingMorning(timeZone, Date.now());
    }

    const outcome = await scheduleMeeting(services, {
      teamId,
      userId,
      accountId: account.id,
      start,
      minutes: KICKOFF_MINUTES,
      timeZone,
      kind: 'kickoff',
    });
    switch (outcome.outcome) {
      case 'no calendar':
        return noCalendarMessage(outcome.names);
      case 'already':
        return alreadyScheduledMessage(outcome.existing);
      case 'calendar failed':
        return scheduleFailedMessage(outcome.calendarName);
      case 'scheduled':
        return scheduledReply(outcome.view, outcome.postedTo, outcome.zoom);
    }
  },
};

/** `/thread schedule reminders [offsets]`: shows them, or (managers) sets them, e.g. `24h 1h 15m`. */
async function reminders(
  services: CommandContext['services'],
  teamId: string,
  userId: string,
  words: string[],
): Promise<SlackMessage> {
  if (!words.length) {
    const offsets = await reminderOffsets(services.db, teamId);
    return plain(`Meeting reminders go out ${offsets.map(offsetWords).join(' and ')} before the start.`);
  }
  if (!(await canManage(services, teamId, userId))) {
    return plain('Only workspace admins and Thread admins can change when reminders go out.');
  }
  const offsets = words.map(parseOffset);
  if (
    offsets.some((o) => o === undefined) ||
    offsets.length > MAX_REMINDERS ||
    new Set(offsets).size !== offsets.length
  ) {
    return plain(
      `Give up to ${MAX_REMINDERS} different times before the meeting, like \`/thread schedule reminders 24h 1h 15m\` (d, h, m or s).`,
    );
  }
  const saved = await setReminderOffsets(services.db, teamId, offsets as number[], userId);
  return plain(
    `Meeting reminders will go out ${saved.map(offsetWords).join(' and ')} before the start (meetings found from now on).`,
  );
}

const UNITS: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };

function parseOffset(word: string): number | undefined {
  const m = /^(\d{1,4})([dhms])$/i.exec(word);
  if (!m) return undefined;
  const seconds = Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
  return seconds > 0 && seconds <= 30 * 86400 ? seconds : undefined;
}

function offsetWords(seconds: number): string {
  return aheadWords(seconds).replace(/^in /, '');
}
