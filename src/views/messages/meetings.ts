/**
 * The calendar's messages: reminders before a meeting, the CSM's DM after it (with its three actions),
 * a scheduled meeting's post, notes and the recording posted to the handoff thread, and the schedule
 * command's replies.
 * Pure: view-shaped data in, Block Kit out. Titles, account names and notes come from calendars, CRMs and
 * people: escaped and cut, so `<!channel>` in an event title pings no one.
 */
import type { KnownBlock } from '@slack/types';
import { ACTIONS } from '../ids.js';
import { escapeText, quoteInput, slackDate, truncate, userMention } from '../mrkdwn.js';
import { section } from '../sections.js';
import { duration, safeUrl } from './handoff.js';
import type { SlackMessage } from './help.js';

export interface MeetingView {
  id: string;
  title: string;
  accountName: string;
  startsAt: Date;
  endsAt: Date;
  joinUrl: string | null;
  /** "Google Calendar", "Outlook Calendar". */
  calendarName: string;
  csmUserId: string | null;
}

const TITLE_MAX = 150;
const NAME_MAX = 80;
/** A section holds 3,000 characters; notes are cut below that with room for the heading. */
const NOTES_MAX = 2800;
const TEXT_MAX = 300;

function title(m: MeetingView): string {
  return truncate(escapeText(m.title || 'Untitled meeting'), TITLE_MAX);
}

function account(m: MeetingView): string {
  return truncate(escapeText(m.accountName), NAME_MAX);
}

/** A join link only when it is a web link: a calendar's location can say anything. */
function joinLine(m: MeetingView): string[] {
  if (!m.joinUrl || !/^https:\/\/[^\s<>|]+$/.test(m.joinUrl)) return [];
  return [`*Join:* <${m.joinUrl}|${truncate(escapeText(m.joinUrl), 80)}>`];
}

/** "in 24 hours", "in 1 hour", "in 90 seconds": how far ahead the reminder was set. */
export function aheadWords(seconds: number): string {
  const unit = (n: number, word: string) => `in ${n} ${word}${n === 1 ? '' : 's'}`;
  if (seconds % 86400 === 0) return unit(seconds / 86400, 'day');
  if (seconds % 3600 === 0) return unit(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return unit(seconds / 60, 'minute');
  return unit(seconds, 'second');
}

export function reminderMessage(m: MeetingView, offsetSeconds: number): SlackMessage {
  const when = aheadWords(offsetSeconds);
  const lines = [
    `:calendar: *${title(m)}* with *${account(m)}* starts ${when} — ${slackDate(m.startsAt)}.`,
    ...joinLine(m),
    ...(m.csmUserId ? [`*CSM:* ${userMention(m.csmUserId)}`] : []),
  ];
  return {
    text: truncate(`Reminder: ${m.title || 'meeting'} with ${m.accountName} starts ${when}`, TEXT_MAX),
    blocks: [section(lines.join('\n'))],
  };
}

/** After the meeting: the CSM's three next steps, each a button carrying the meeting's id. */
export function postMeetingMessage(m: MeetingView): SlackMessage {
  const button = (text: string, action_id: string, style?: 'primary') => ({
    type: 'button' as const,
    text: { type: 'plain_text' as const, text },
    action_id,
    value: m.id,
    ...(style ? { style } : {}),
  });
  const blocks: KnownBlock[] = [
    section(`:white_check_mark: *${title(m)}* with *${account(m)}* has ended. What next?`),
    {
      type: 'actions',
      elements: [
        button('Mark kickoff complete', ACTIONS.meetingComplete, 'primary'),
        button('Log notes', ACTIONS.meetingNotes),
        button('Schedule next meeting', ACTIONS.meetingNext),
      ],
    },
  ];
  return {
    text: truncate(
      `${m.title || 'Your meeting'} with ${m.accountName} has ended: log notes or schedule the next one`,
      TEXT_MAX,
    ),
    blocks,
  };
}

export function scheduledMessage(m: MeetingView, who: string): SlackMessage {
  const lines = [
    `:calendar: ${userMention(who)} scheduled *${title(m)}* with *${account(m)}* for ${slackDate(m.startsAt)} (on ${escapeText(m.calendarName)}).`,
    ...joinLine(m),
  ];
  return {
    text: truncate(`${m.title} with ${m.accountName} scheduled`, TEXT_MAX),
    blocks: [section(lines.join('\n'))],
  };
}

export function notesMessage(m: MeetingView, notes: string, by: string): SlackMessage {
  const body = truncate(escapeText(notes), NOTES_MAX);
  return {
    text: truncate(`Notes from ${m.title || 'the meeting'} with ${m.accountName}`, TEXT_MAX),
    blocks: [section(`:memo: Notes from *${title(m)}* (${userMention(by)}):\n${body}`)],
  };
}

/** A meeting's recording as the call recorder has it. */
export interface RecordingView {
  /** The recorder's title for the call; null: the meeting's title is used. */
  title: string | null;
  url: string | null;
  durationSeconds: number | null;
  /** Who was on the call, by name (or email when the recorder has no name). */
  participants: string[];
  /** "Gong". */
  sourceName: string;
}

/** Enough names to recognise the call; the rest are counted. */
const PEOPLE_SHOWN = 5;

/** The meeting's recording, once the recorder has it: one line with its link, length and who was on it. */
export function recordingMessage(m: MeetingView, r: RecordingView): SlackMessage {
  const name = truncate(escapeText(r.title || m.title || 'Untitled meeting'), TITLE_MAX);
  const source = escapeText(r.sourceName);
  const url = safeUrl(r.url);
  const shown = r.participants.slice(0, PEOPLE_SHOWN).map((p) => truncate(escapeText(p), NAME_MAX));
  const more = r.participants.length - shown.length;
  const details = [
    duration(r.durationSeconds),
    shown.length ? `with ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}` : null,
  ].filter(Boolean);
  const line = `:movie_camera: Recording of *${name}* with *${account(m)}*: ${url ? `<${url}|open in ${source}>` : `in ${source}`}${details.length ? ` — ${details.join(', ')}` : ''}`;
  return {
    // The notification text is escaped too: a `<!channel>` in a call title must not ping from there either.
    text: truncate(escapeText(`Recording of ${r.title || m.title} with ${m.accountName}`), TEXT_MAX),
    blocks: [section(line)],
  };
}

export function kickoffCompletedMessage(accountName: string, milestones: string[]): string {
  const name = truncate(escapeText(accountName), NAME_MAX);
  if (!milestones.length) {
    return `Kickoff with *${name}* recorded as held. The account has no kickoff milestone to tick off.`;
  }
  return `Kickoff with *${name}* marked complete: ${milestones.map((n) => `*${truncate(escapeText(n), NAME_MAX)}*`).join(', ')} done.`;
}

export function noCalendarMessage(names: string[]): SlackMessage {
  const list = names.join(' or ');
  return plain(
    `No calendar is connected, so Thread cannot create the meeting. Connect ${list} first: \`/thread connect google\` or \`/thread connect microsoft\`.`,
  );
}

export function alreadyScheduledMessage(m: MeetingView): SlackMessage {
  return plain(
    `*${account(m)}* already has a kickoff: *${title(m)}* on ${slackDate(m.startsAt)}. Move or cancel it in ${escapeText(m.calendarName)}; Thread follows the change.`,
  );
}

export function scheduledReply(
  m: MeetingView,
  postedTo: string | null,
  zoom: 'added' | 'failed' | 'none',
): SlackMessage {
  const where = postedTo ? ` Posted to ${postedTo.startsWith('D') ? 'the CSM’s DM' : `<#${postedTo}>`}.` : '';
  const zoomWords =
    zoom === 'added'
      ? ' It carries a Zoom link.'
      : zoom === 'failed'
        ? ' Zoom could not make a meeting link (see `/thread status`); the event has none.'
        : '';
  return plain(
    `Scheduled *${title(m)}* with *${account(m)}* for ${slackDate(m.startsAt)} on ${escapeText(m.calendarName)}; invitations went to the customer’s contacts.${zoom === 'none' ? '' : zoomWords}${where}`,
  );
}

export function whenProblemMessage(typed: string, problem: 'format' | 'past'): SlackMessage {
  return plain(
    problem === 'past'
      ? `${quoteInput(typed)} has already passed. Give a time to come, like \`2026-12-03 15:00\` (your Slack time zone).`
      : `Thread did not understand the time ${quoteInput(typed)}. Write it as \`YYYY-MM-DD HH:MM\` in your Slack time zone, like \`/thread schedule kickoff Acme 2026-12-03 15:00\`.`,
  );
}

export function plain(text: string): SlackMessage {
  return { text, blocks: [section(text)] };
}

/** Why someone may not act on a meeting, and who can. */
export function refusalWords(
  access: { why: 'not found' } | { why: 'not yours'; csmUserId: string | null },
): string {
  if (access.why === 'not found') return 'That meeting is no longer known to Thread.';
  return access.csmUserId
    ? `Only the account's CSM (${userMention(access.csmUserId)}) or a Thread admin can do this.`
    : 'Only a Thread admin can do this: the account has no CSM.';
}

export function notesSavedWords(postedTo: string | null, threaded: boolean): string {
  if (!postedTo) return 'Notes saved on the account. No handoff channel is set, so they were not posted.';
  return threaded
    ? `Notes saved on the account and posted in the handoff thread in <#${postedTo}>.`
    : `Notes saved on the account and posted to <#${postedTo}> (Thread found no handoff post to reply to).`;
}

export function scheduleFailedMessage(calendar: string): SlackMessage {
  return plain(
    `${escapeText(calendar)} did not create the meeting. \`/thread status\` shows what is wrong with the connection and how to fix it.`,
  );
}
