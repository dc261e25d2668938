import { CanActivate, createParamDecorator, ExecutionContext, HttpStatus, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { CLINICIAN_ROLES, RoleSchema, type Role } from '@tm/contracts';
import { AccessError } from '../access/access.service';
import { AuthError, AuthService, AuthenticatedUser, type Session } from './auth.service';

const ROLES_KEY = 'tm:roles';
const PASSWORD_TOKEN_KEY = 'tm:password-token';

/**
 * Only these roles may call the route (or every route of the controller). Without it any signed-in
 * clinician may (nurse, home care, admin): a patient's token is refused on every route that does
 * not name the role `patient`.
 */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** Every signed-in user, patients included. */
export const AnyRole = () => Roles(...RoleSchema.options);
/**
 * The route also takes a token bought with a one-time password (scope `password`): choosing the
 * new password, signing out and asking who is signed in. Every other route answers such a token 403.
 */
export const AllowsPasswordChangeToken = () => SetMetadata(PASSWORD_TOKEN_KEY, true);

/**
 * The patient a clinician route is about: `:id` of /api/patients/:id/..., else `?patient=` (FHIR)
 * or `?patientId=`. Null when the route names none.
 */
function namedPatient(request: Request): string | null {
  const path = (request.route as { path?: unknown } | undefined)?.path;
  const id = request.params?.id;
  if (typeof path === 'string' && path.startsWith('/api/patients/:id') && typeof id === 'string') return id;
  const query = request.query as Record<string, unknown> | undefined;
  const named = query?.patient ?? query?.patientId;
  return typeof named === 'string' ? named : null;
}

interface AuthenticatedRequest extends Request {
  user?: AuthenticatedUser;
  session?: Session;
}

/** Bearer token -> user on the request; 401 without a valid token, 403 for a role the route does not allow. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    const session = token ? await this.auth.session(token) : null;
    if (!session) throw new AuthError('unauthenticated', 'Sign in first: send the token from POST /api/auth/login as "Authorization: Bearer <token>"', HttpStatus.UNAUTHORIZED);
    const { user } = session;
    if (session.claims.scope === 'password' && !this.reflector.getAllAndOverride<boolean | undefined>(PASSWORD_TOKEN_KEY, [context.getHandler(), context.getClass()]))
      throw new AuthError('password_change_required', 'Choose a new password first: POST /api/auth/password { currentPassword, newPassword } with the one-time password as currentPassword', HttpStatus.FORBIDDEN);
    request.user = user;
    request.session = session;
    const roles: readonly Role[] = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]) ?? CLINICIAN_ROLES;
    if (roles.includes(user.role)) return true;
    if (user.role === 'patient') {
      // A patient sees only themself: another patient's id answers 404, as for one that does not exist.
      const named = namedPatient(request);
      if (named !== null && named !== user.patientId) throw new AccessError('patient_not_found', `No patient ${named}`, HttpStatus.NOT_FOUND);
      throw new AuthError('forbidden', 'This route is for clinicians; your own plan, readings and questionnaires are under /api/me', HttpStatus.FORBIDDEN);
    }
    throw new AuthError('forbidden', `This needs the role ${roles.join(' or ')}; you are signed in as ${user.role}`, HttpStatus.FORBIDDEN);
  }
}

/** The signed-in user (the route must be behind AuthGuard). */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedUser => {
  const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!user) throw new Error('CurrentUser used on a route without AuthGuard');
  return user;
});

/** The signed-in user's token and its claims (the route must be behind AuthGuard). */
export const CurrentSession = createParamDecorator((_data: unknown, context: ExecutionContext): Session => {
  const session = context.switchToHttp().getRequest<AuthenticatedRequest>().session;
  if (!session) throw new Error('CurrentSession used on a route without AuthGuard');
  return session;
});

/** The caller's address, for the audit log. */
export const SourceAddress = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<Request>();
  return request.ip ?? request.socket.remoteAddress ?? 'unknown';
});
