/** Times people type for `/thread schedule kickoff`, read in their Slack time zone (pure: no app). */
import { describe, expect, it } from 'vitest';
import { knownZone, nextWorkingMorning, parseWhen } from '../../src/domain/meetings/when.js';

const NOW = Date.parse('2026-11-27T12:00:00Z'); // a Friday

describe('parseWhen / nextWorkingMorning', () => {
  it('reads the time in the zone, daylight saving included', () => {
    expect(parseWhen('2027-01-15 15:00', 'Europe/Paris', NOW)).toEqual({
      at: new Date('2027-01-15T14:00:00Z'),
    });
    expect(parseWhen('2027-07-15 15:00', 'Europe/Paris', NOW)).toEqual({
      at: new Date('2027-07-15T13:00:00Z'),
    });
    expect(parseWhen('2027-07-15T09:30', 'America/New_York', NOW)).toEqual({
      at: new Date('2027-07-15T13:30:00Z'),
    });
  });

  it('refuses impossible dates, other formats and the past', () => {
    expect(parseWhen('2027-02-31 10:00', 'UTC', NOW)).toEqual({ problem: 'format' });
    expect(parseWhen('2027-01-15 25:00', 'UTC', NOW)).toEqual({ problem: 'format' });
    expect(parseWhen('tomorrow', 'UTC', NOW)).toEqual({ problem: 'format' });
    expect(parseWhen('2026-11-27 11:00', 'UTC', NOW)).toEqual({ problem: 'past' });
  });

  it('without a time: the next weekday at 10:00 in the zone (Friday → Monday)', () => {
    expect(nextWorkingMorning('Europe/Paris', NOW)).toEqual(new Date('2026-11-30T09:00:00Z'));
    expect(nextWorkingMorning('UTC', Date.parse('2026-11-24T12:00:00Z'))).toEqual(
      new Date('2026-11-25T10:00:00Z'),
    );
  });

  it('an unknown zone from Slack falls back to UTC', () => {
    expect(knownZone('Mars/Olympus')).toBe('UTC');
    expect(knownZone(undefined)).toBe('UTC');
    expect(knownZone('Asia/Tokyo')).toBe('Asia/Tokyo');
  });
});
