import { localDateTime } from './wall-clock';

/** What Intl itself says the wall clock shows: the reading the quarter-hour offsets stand in for. */
function intlWallClock(instantMs: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(instantMs))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

const STEP_MS = 7 * 60_000 + 13_000 + 517;

describe('the wall clock read per quarter hour agrees with Intl at every instant', () => {
  it.each([
    ['Copenhagen, the spring change', 'Europe/Copenhagen', '2026-03-28T22:00:00Z'],
    ['Copenhagen, the autumn change', 'Europe/Copenhagen', '2026-10-24T22:00:00Z'],
    ['Kathmandu (+05:45)', 'Asia/Kathmandu', '2026-01-01T00:00:00Z'],
    ['Lord Howe, a half-hour DST change', 'Australia/Lord_Howe', '2026-04-04T12:00:00Z'],
    ["St John's (-03:30), the spring change", 'America/St_Johns', '2026-03-08T02:00:00Z'],
    ['Monrovia leaving local mean time (-00:44:30) in 1972', 'Africa/Monrovia', '1972-01-06T12:00:00Z'],
    ['Copenhagen before 1894 (local mean time, +00:50:20)', 'Europe/Copenhagen', '1893-12-31T12:00:00Z'],
  ])('%s', (_name, timeZone, from) => {
    const start = Date.parse(from);
    for (let t = start; t < start + 36 * 3_600_000; t += STEP_MS) expect([t, localDateTime(t, timeZone)]).toEqual([t, intlWallClock(t, timeZone)]);
  });
});
