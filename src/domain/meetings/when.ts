/**
 * Times people type, read in their own Slack time zone: `2026-12-03 15:00` (or with a `T`). Daylight
 * saving is the zone database's business (Intl), not ours.
 */

const TYPED = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})$/;

export type When = { at: Date } | { problem: 'format' | 'past' };

export function parseWhen(typed: string, timeZone: string, now: number): When {
  const m = TYPED.exec(typed.trim());
  if (!m) return { problem: 'format' };
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return { problem: 'format' };
  const at = zonedToUtc({ y, mo, d, h, mi }, timeZone);
  // 2026-02-31 rolls over in Date.UTC: the day must read back as typed.
  if (localParts(at.getTime(), timeZone).d !== d) return { problem: 'format' };
  return at.getTime() <= now ? { problem: 'past' } : { at };
}

/** The next weekday at 10:00 in the zone: what "schedule a kickoff" means when no time is given. */
export function nextWorkingMorning(timeZone: string, now: number): Date {
  for (let days = 1; ; days++) {
    const p = localParts(now + days * 86400_000, timeZone);
    const weekday = new Date(Date.UTC(p.y, p.mo - 1, p.d)).getUTCDay();
    if (weekday !== 0 && weekday !== 6) return zonedToUtc({ ...p, h: 10, mi: 0 }, timeZone);
  }
}

/** A zone Slack gave us, or UTC when Intl does not know it. */
export function knownZone(tz: string | undefined): string {
  if (!tz) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    return 'UTC';
  }
}

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
}

function localParts(ms: number, timeZone: string): Parts {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour'), mi: get('minute') };
}

/** Local wall time in a zone → the instant: guess with the offset at the guess, then correct once. */
function zonedToUtc(p: Parts, timeZone: string): Date {
  const wall = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi);
  const offsetAt = (ms: number) => {
    const l = localParts(ms, timeZone);
    return Date.UTC(l.y, l.mo - 1, l.d, l.h, l.mi) - Math.floor(ms / 60_000) * 60_000;
  };
  let utc = wall - offsetAt(wall);
  const second = offsetAt(utc);
  if (wall - second !== utc) utc = wall - second;
  return new Date(utc);
}
