import { href, parseRoute } from '../src/shared/routes';

describe('dashboard addresses', () => {
  it.each([
    ['', { page: 'board' }],
    ['#/', { page: 'board' }],
    ['#/alerts', { page: 'alerts' }],
    ['#/patients/pt-001', { page: 'patient', patientId: 'pt-001' }],
    ['#/admin', { page: 'admin', section: 'users' }],
    ['#/admin/gateways', { page: 'admin', section: 'gateways' }],
    ['#/admin/secrets', { page: 'not-found' }],
    ['#/patients/pt-001/extra', { page: 'not-found' }],
  ])('%s opens %j', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('links back to the same page it parses', () => {
    expect(parseRoute(href({ page: 'patient', patientId: 'pt 7' }))).toEqual({ page: 'patient', patientId: 'pt 7' });
  });
});
