export { AuthModule } from './auth.module';
export { AllowsPasswordChangeToken, AnyRole, AuthGuard, Roles, CurrentSession, CurrentUser, SourceAddress } from './auth.guard';
export { AuthService, AuthError, type AuthenticatedUser, type Session } from './auth.service';
export { ZodPipe, ValidationError } from './zod-pipe';
export { AccessService, AccessError } from '../access/access.service';
export { AuditService, type AuditEntry } from '../audit/audit.service';
