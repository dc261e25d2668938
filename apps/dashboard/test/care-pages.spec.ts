import { cell } from '../src/admin/cell';
import { href, parseRoute } from '../src/shared/routes';

describe('addresses of the handover and the report of a period', () => {
  it.each([
    ['#/handover', { page: 'handover' }],
    ['#/handover/x', { page: 'not-found' }],
    ['#/patients/pt-001/report', { page: 'report', patientId: 'pt-001' }],
    ['#/patients/pt-001/report?from=2026-11-01&to=2026-11-30', { page: 'report', patientId: 'pt-001', from: '2026-11-01', to: '2026-11-30' }],
    // a date that is not one is left out: the page falls back to its default period
    ['#/patients/pt-001/report?from=1.11.2026', { page: 'report', patientId: 'pt-001' }],
    ['#/patients/pt-001/letter', { page: 'not-found' }],
  ])('%s opens %j', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('links back to the same report it parses', () => {
    const route = { page: 'report', patientId: 'pt 7', from: '2026-10-01', to: '2026-10-31' } as const;
    expect(parseRoute(href(route))).toEqual(route);
  });
});

describe('admin table cells in the reader’s language and local time', () => {
  // the browser's zone decides the hour (the browser tests run in Europe/Copenhagen); here the form
  it.each([
    ['an instant as a Danish date and time, not ISO', 'da', '2026-12-07T09:05:00.000Z', /^07\.12\.2026,? \d{2}\.05$/],
    ['an instant as an English date and time', 'en', '2026-12-07T09:05:00.000Z', /^07\/12\/2026, \d{2}:05$/],
    ['a number with a decimal comma', 'da', 97.25, /^97,25$/],
    ['a list joined', 'da', ['hospital-lung', 'hospital-heart'], /^hospital-lung, hospital-heart$/],
    ['nothing as a dash', 'da', null, /^–$/],
    ['an empty list as a dash', 'da', [], /^–$/],
  ] as const)('%s', (_name, language, value, shown) => {
    expect(cell(language, value)).toMatch(shown);
  });
});
