/** Hash routes (`#/patients/pt-001`): the server only ever serves index.html at `/`. */
export type AdminSection = 'users' | 'care-teams' | 'patients' | 'gateways' | 'audit';
export const ADMIN_SECTIONS: readonly AdminSection[] = ['users', 'care-teams', 'patients', 'gateways', 'audit'];

export type Route =
  | { page: 'board' }
  | { page: 'alerts' }
  | { page: 'patient'; patientId: string }
  | { page: 'admin'; section: AdminSection }
  | { page: 'not-found' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, ...rest] = parts;
  if (first === undefined) return { page: 'board' };
  if (rest.length > 0) return { page: 'not-found' };
  if (first === 'alerts' && second === undefined) return { page: 'alerts' };
  if (first === 'patients' && second !== undefined) return { page: 'patient', patientId: second };
  if (first === 'admin') {
    if (second === undefined) return { page: 'admin', section: 'users' };
    const section = ADMIN_SECTIONS.find((s) => s === second);
    if (section !== undefined) return { page: 'admin', section };
  }
  return { page: 'not-found' };
}

export function href(route: Exclude<Route, { page: 'not-found' }>): string {
  switch (route.page) {
    case 'board':
      return '#/';
    case 'alerts':
      return '#/alerts';
    case 'patient':
      return `#/patients/${encodeURIComponent(route.patientId)}`;
    case 'admin':
      return `#/admin/${route.section}`;
  }
}
