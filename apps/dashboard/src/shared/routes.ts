/** Hash routes (`#/patients/pt-001`): the server only ever serves index.html at `/`. */
export type AdminSection = 'users' | 'care-teams' | 'patients' | 'gateways' | 'audit';
export const ADMIN_SECTIONS: readonly AdminSection[] = ['users', 'care-teams', 'patients', 'gateways', 'audit'];

export type Route =
  | { page: 'board' }
  | { page: 'alerts' }
  | { page: 'patient'; patientId: string }
  | { page: 'handover' }
  /** the printable report of a period; `from`/`to` are local dates (YYYY-MM-DD), absent for the default period */
  | { page: 'report'; patientId: string; from?: string; to?: string }
  | { page: 'admin'; section: AdminSection }
  | { page: 'not-found' };

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, ...rest] = parts;
  if (first === undefined) return { page: 'board' };
  if (first === 'handover' && second === undefined) return { page: 'handover' };
  if (first === 'patients' && second !== undefined && rest.length === 1 && rest[0] === 'report') {
    const params = new URLSearchParams(search);
    const date = (name: string): string | undefined => (/^\d{4}-\d{2}-\d{2}$/.test(params.get(name) ?? '') ? (params.get(name) ?? undefined) : undefined);
    const from = date('from');
    const to = date('to');
    return { page: 'report', patientId: second, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
  }
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
    case 'handover':
      return '#/handover';
    case 'report': {
      const search = new URLSearchParams({ ...(route.from !== undefined ? { from: route.from } : {}), ...(route.to !== undefined ? { to: route.to } : {}) }).toString();
      return `#/patients/${encodeURIComponent(route.patientId)}/report${search ? `?${search}` : ''}`;
    }
  }
}
