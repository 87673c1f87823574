/**
 * A template as text a person edits in one box: a milestone per line, its actions indented under it.
 *
 *     Kickoff call | 3 days | Meet the customer, agree goals, owners and dates.
 *       + message after 0 h: Welcome to onboarding, {account}!
 *       + email to customer after 24 h: Your onboarding plan | Hello! Here is the plan…
 *     Go-live review | 5 days | Confirm the customer is live. | go-live
 *
 * A form with a row of inputs per milestone and action would need dozens of inputs and still cap out
 * at Slack's 100 blocks; a line format fits any plan in one input, reads like the plan itself, and each
 * mistake is answered with its line number. Parsing is strict: what Thread cannot do is refused, never
 * guessed at.
 */
import type { TemplateAction, TemplateMilestone } from '../../app/db-types.js';
import { MAX_DELAY_HOURS, templateActionSchema } from '../milestones/actions.js';

export const MAX_MILESTONES = 60;
const NAME_MAX = 150;
const DESCRIPTION_MAX = 500;

export function templateToText(milestones: readonly TemplateMilestone[]): string {
  const lines: string[] = [];
  for (const m of milestones) {
    const parts = [m.name, `${m.duration_days} ${m.duration_days === 1 ? 'day' : 'days'}`];
    if (m.description || m.go_live) parts.push(m.description);
    if (m.go_live) parts.push('go-live');
    lines.push(parts.join(' | '));
    for (const a of m.actions ?? []) lines.push(`  + ${actionToText(a)}`);
  }
  return lines.join('\n');
}

function actionToText(a: TemplateAction): string {
  const after = `after ${a.delay_hours} h`;
  return a.type === 'slack_message'
    ? `message ${after}: ${a.text}`
    : `email to ${a.to} ${after}: ${a.subject} | ${a.body}`;
}

export type ParsedTemplate =
  | { ok: true; milestones: TemplateMilestone[] }
  | { ok: false; problems: string[] };

const MILESTONE_DAYS = /^(\d{1,4})\s*(days?|d)$/i;
const MESSAGE = /^message\s+after\s+(\d{1,4})\s*h(?:ours?)?\s*:\s*(.*)$/i;
const EMAIL = /^email\s+to\s+(customer|ae)\s+after\s+(\d{1,4})\s*h(?:ours?)?\s*:\s*(.*)$/i;

export function parseTemplateText(text: string): ParsedTemplate {
  const milestones: TemplateMilestone[] = [];
  const problems: string[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (!line) return;
    if (line.startsWith('+')) {
      const current = milestones.at(-1);
      if (!current) {
        problems.push(`Line ${n}: an action (a line starting with +) must come under its milestone.`);
        return;
      }
      const action = parseAction(line.slice(1).trim());
      if (typeof action === 'string') problems.push(`Line ${n}: ${action}`);
      else current.actions = [...(current.actions ?? []), action];
      return;
    }
    const parts = line.split('|').map((p) => p.trim());
    const [name = '', days = '', description = '', flag = ''] = parts;
    if (parts.length > 4 || (flag && flag.toLowerCase() !== 'go-live')) {
      problems.push(
        `Line ${n}: a milestone is \`name | days | description\`, with \`| go-live\` at the end for the one that makes the customer live.`,
      );
      return;
    }
    const d = days.match(MILESTONE_DAYS);
    if (!name) problems.push(`Line ${n}: the milestone needs a name before the first |.`);
    else if (name.length > NAME_MAX) problems.push(`Line ${n}: the name is over ${NAME_MAX} characters.`);
    if (!d) problems.push(`Line ${n}: after the name, how many days it takes, like \`7 days\`.`);
    if (description.length > DESCRIPTION_MAX) {
      problems.push(`Line ${n}: the description is over ${DESCRIPTION_MAX} characters.`);
    }
    if (!name || !d) return;
    milestones.push({
      name,
      duration_days: Number(d[1]),
      description,
      ...(flag ? { go_live: true } : {}),
    });
  });
  if (!milestones.length && !problems.length) problems.push('A template needs at least one milestone.');
  if (milestones.length > MAX_MILESTONES) {
    problems.push(`A template has at most ${MAX_MILESTONES} milestones (this one has ${milestones.length}).`);
  }
  if (milestones.filter((m) => m.go_live).length > 1) {
    problems.push('Only one milestone can be marked `go-live`.');
  }
  return problems.length ? { ok: false, problems } : { ok: true, milestones };
}

function parseAction(text: string): TemplateAction | string {
  const message = text.match(MESSAGE);
  const email = text.match(EMAIL);
  let candidate: unknown;
  if (message) {
    candidate = { type: 'slack_message', delay_hours: Number(message[1]), text: message[2] };
  } else if (email) {
    const [subject = '', ...body] = (email[3] ?? '').split('|');
    candidate = {
      type: 'email',
      to: email[1]!.toLowerCase(),
      delay_hours: Number(email[2]),
      subject: subject.trim(),
      body: body.join('|').trim(),
    };
  } else {
    return 'an action is `+ message after 0 h: text` or `+ email to customer after 24 h: subject | body` (`to ae` for the AE).';
  }
  const parsed = templateActionSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  const delay = (candidate as { delay_hours: number }).delay_hours;
  if (delay > MAX_DELAY_HOURS)
    return `an action runs 0 to ${MAX_DELAY_HOURS} hours after its milestone starts.`;
  return email
    ? 'an email needs a subject and a body, separated by |.'
    : 'a message needs its text after the colon.';
}
