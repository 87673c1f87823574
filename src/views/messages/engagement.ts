/** Customer engagement as the account view shows it: counts, the last time, and who. */
import { slackDate, userMention } from '../mrkdwn.js';

export interface EngagementView {
  reactions: number;
  replies: number;
  lastAt: Date | null;
  people: string[];
}

/** People named before "and N more": the line stays a line. */
const PEOPLE_SHOWN = 5;

export function engagementLine(e: EngagementView): string {
  if (!e.reactions && !e.replies) return '*Customer engagement:* none yet on Thread’s posts';
  const counts = `${e.reactions} reaction${e.reactions === 1 ? '' : 's'}, ${e.replies} repl${e.replies === 1 ? 'y' : 'ies'}`;
  const who = e.people.slice(0, PEOPLE_SHOWN).map(userMention).join(', ');
  const more = e.people.length > PEOPLE_SHOWN ? ` and ${e.people.length - PEOPLE_SHOWN} more` : '';
  const last = e.lastAt ? ` · last ${slackDate(e.lastAt)}` : '';
  return `*Customer engagement:* ${counts}${last}${who ? ` · by ${who}${more}` : ''}`;
}
