import { CanActivate, createParamDecorator, ExecutionContext, HttpStatus, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from '@tm/contracts';
import { AuthError, AuthService, AuthenticatedUser } from './auth.service';

const ROLES_KEY = 'tm:roles';

/** Only these roles may call the route (or every route of the controller). Without it any signed-in user may. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

interface AuthenticatedRequest extends Request {
  user?: AuthenticatedUser;
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
    const user = token ? await this.auth.authenticate(token) : null;
    if (!user) throw new AuthError('unauthenticated', 'Sign in first: send the token from POST /api/auth/login as "Authorization: Bearer <token>"', HttpStatus.UNAUTHORIZED);
    request.user = user;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (roles && !roles.includes(user.role)) throw new AuthError('forbidden', `This needs the role ${roles.join(' or ')}; you are signed in as ${user.role}`, HttpStatus.FORBIDDEN);
    return true;
  }
}

/** The signed-in user (the route must be behind AuthGuard). */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedUser => {
  const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!user) throw new Error('CurrentUser used on a route without AuthGuard');
  return user;
});

/** The caller's address, for the audit log. */
export const SourceAddress = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<Request>();
  return request.ip ?? request.socket.remoteAddress ?? 'unknown';
});
