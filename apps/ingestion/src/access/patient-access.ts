import { applyDecorators, CallHandler, createParamDecorator, ExecutionContext, Injectable, NestInterceptor, SetMetadata, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { from, mergeMap, type Observable } from 'rxjs';
import type { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../auth/auth.service';
import { CareError } from '../care/care-error';
import { AccessService } from './access.service';

const PATIENT_ACCESS_KEY = 'tm:patient-access';

/** Where a route names its patient: `:id`, the signed-in patient (/api/me), or a field of the parsed query (FHIR's `?patient=`). */
type PatientFrom = 'param' | 'own' | ((query: never) => string);

interface PatientAccessSpec {
  /** the audit action written after a successful read; none for a change (its service audits in its transaction) */
  action?: string;
  /** the route's query and body schemas: a request they refuse gets their 400 before any access check, as the pipes give it */
  query?: z.ZodType;
  body?: z.ZodType;
  patient: PatientFrom | 'list';
  /** the audit row's detail, from the parsed query and the answer */
  detail?: (query: never, result: never) => Record<string, unknown>;
  /** list routes: the patients whose data the answer holds (listed in the request's one audit row) */
  patients?: (result: never) => readonly string[];
}

interface Options<Q, R> {
  query?: z.ZodType<Q>;
  body?: z.ZodType;
  detail?: (query: Q, result: R) => Record<string, unknown>;
}

/**
 * The route reads one patient's data: the caller must be allowed to see that patient (404
 * otherwise, as for one that does not exist), and a successful answer writes one audit row with
 * `action`. The patient is `:id` unless `patient` says otherwise; the handler gets it with `@PatientId()`.
 */
export function ReadsPatient<Q = unknown, R = unknown>(action: string, options: Options<Q, R> & { patient?: 'param' | 'own' | ((query: Q) => string) } = {}) {
  return withSpec({ action, ...options, patient: options.patient ?? 'param' } as PatientAccessSpec);
}

/** The route reads several patients' data (a list): one audit row for the request, listing the patients in the answer. Access is the service's (it lists only the visible ones). */
export function ReadsPatients<Q = unknown, R = unknown>(action: string, options: Options<Q, R> & { patients: (result: R) => readonly string[] }) {
  return withSpec({ action, ...options, patient: 'list' } as PatientAccessSpec);
}

/**
 * The route changes patient `:id` (or, with `patient: 'own'`, the signed-in patient's own record):
 * the caller must be allowed to see them; the service writes the audit row in the change's transaction.
 */
export function ChangesPatient(options: { body?: z.ZodType; query?: z.ZodType; patient?: 'param' | 'own' } = {}) {
  return withSpec({ ...options, patient: options.patient ?? 'param' });
}

function withSpec(spec: PatientAccessSpec) {
  return applyDecorators(SetMetadata(PATIENT_ACCESS_KEY, spec), UseInterceptors(PatientAccessInterceptor));
}

interface PatientRequest extends Request {
  user?: AuthenticatedUser;
  /** the patient the route is about, once access is checked */
  patientId?: string;
  /** the request's query or body is refused: its pipe answers 400 before the handler runs */
  refusedByPipes?: boolean;
}

/** The patient of a route under `@ReadsPatient`/`@ChangesPatient`, access checked. */
export const PatientId = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<PatientRequest>();
  if (request.patientId !== undefined) return request.patientId;
  // the handler will not run: a pipe refuses the request
  if (request.refusedByPipes) return '';
  throw new Error('PatientId used on a route without ReadsPatient or ChangesPatient');
});

/** The caller's address, for the audit log (as SourceAddress). */
const sourceOf = (request: Request): string => request.ip ?? request.socket.remoteAddress ?? 'unknown';

/**
 * "May this user see this patient, and audit that they did", for every route that says so:
 * before the handler the care-team check, after a successful answer the audit row(s).
 * Runs behind AuthGuard (the user is on the request).
 */
@Injectable()
export class PatientAccessInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const spec = this.reflector.get<PatientAccessSpec | undefined>(PATIENT_ACCESS_KEY, context.getHandler());
    const request = context.switchToHttp().getRequest<PatientRequest>();
    const user = request.user;
    if (!spec || !user) return next.handle();
    const query = spec.query?.safeParse(request.query ?? {});
    const body = spec.body?.safeParse(request.body ?? {});
    // a request its pipes refuse: the handler's pipes answer 400 as they always did, nothing is read or audited
    if (query?.success === false || body?.success === false) {
      request.refusedByPipes = true;
      return next.handle();
    }
    const parsed = (query?.data ?? {}) as never;

    const patientId = await this.patientOf(spec, user, request, parsed);
    if (patientId !== null) request.patientId = patientId;
    const { action } = spec;
    if (!action) return next.handle();
    const source = sourceOf(request);
    return next.handle().pipe(
      mergeMap((result: unknown) =>
        from(
          (async () => {
            const detail = spec.detail?.(parsed, result as never);
            if (spec.patient === 'list') await this.audit.recordMany({ user, action, source, detail }, [...(spec.patients?.(result as never) ?? [])]);
            else await this.audit.record({ user, action, patientId, source, detail });
            return result;
          })(),
        ),
      ),
    );
  }

  /** The patient the route is about, access checked; null for list routes. */
  private async patientOf(spec: PatientAccessSpec, user: AuthenticatedUser, request: PatientRequest, query: never): Promise<string | null> {
    if (spec.patient === 'list') return null;
    if (spec.patient === 'own') {
      // the guard has let only patients in; a sign-in not linked to a patient has no data here
      if (!user.patientId) throw new CareError('not_a_patient', 'This sign-in is not linked to a patient; ask the care team to link it');
      return user.patientId;
    }
    const patientId = spec.patient === 'param' ? String(request.params.id) : spec.patient(query);
    await this.access.assertCanSee(user, patientId);
    return patientId;
  }
}
