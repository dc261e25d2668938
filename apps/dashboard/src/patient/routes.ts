/**
 * The patient app's hash routes. A patient never names a patient id: every page is about the
 * signed-in patient (the server answers /api/me), so no route carries one.
 */
export type PatientRoute =
  | { page: 'today' }
  | { page: 'readings' }
  | { page: 'contact' }
  | { page: 'messages' }
  | { page: 'enter-reading' }
  | { page: 'password' }
  | { page: 'questionnaire'; questionnaireId: string }
  | { page: 'not-found' };

export function parsePatientRoute(hash: string): PatientRoute {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, ...rest] = parts;
  if (first === undefined) return { page: 'today' };
  if (rest.length > 0) return { page: 'not-found' };
  if (first === 'readings' && second === undefined) return { page: 'readings' };
  if (first === 'contact' && second === undefined) return { page: 'contact' };
  if (first === 'messages' && second === undefined) return { page: 'messages' };
  if (first === 'enter-reading' && second === undefined) return { page: 'enter-reading' };
  if (first === 'password' && second === undefined) return { page: 'password' };
  if (first === 'questionnaires' && second !== undefined) return { page: 'questionnaire', questionnaireId: second };
  return { page: 'not-found' };
}

export function patientHref(route: Exclude<PatientRoute, { page: 'not-found' }>): string {
  switch (route.page) {
    case 'today':
      return '#/';
    case 'readings':
      return '#/readings';
    case 'contact':
      return '#/contact';
    case 'messages':
      return '#/messages';
    case 'enter-reading':
      return '#/enter-reading';
    case 'password':
      return '#/password';
    case 'questionnaire':
      return `#/questionnaires/${encodeURIComponent(route.questionnaireId)}`;
  }
}
