import { QuestionnaireDefinitionSchema, type QuestionnaireDefinition } from '@tm/contracts';
import { z } from 'zod';
import type { Api } from '../shared/api';

const cache = new WeakMap<Api, Promise<readonly QuestionnaireDefinition[]>>();

/** GET /api/questionnaires once per session: the definitions are data that change with a release, not while a page is open. */
export function questionnaireDefinitions(api: Api): Promise<readonly QuestionnaireDefinition[]> {
  const known = cache.get(api);
  if (known) return known;
  const loading = api.get('/api/questionnaires', z.array(QuestionnaireDefinitionSchema));
  cache.set(api, loading);
  loading.catch(() => cache.delete(api));
  return loading;
}
