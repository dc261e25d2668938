import { Global, Module } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { DemoAccounts } from './demo-accounts';
import { LoginLimiter } from './login-limiter';

/**
 * Sign-in, the bearer-token guard, care-team access and the audit writer, available to every
 * feature module: `@UseGuards(AuthGuard) @Roles('nurse', 'admin')`, `@CurrentUser()`,
 * `AccessService.assertCanSee(user, patientId)`, `AuditService.record({...})`.
 */
@Global()
@Module({
  controllers: [AuthController],
  providers: [AuthService, AuthGuard, AccessService, AuditService, LoginLimiter, DemoAccounts],
  exports: [AuthService, AuthGuard, AccessService, AuditService],
})
export class AuthModule {}
