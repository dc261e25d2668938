import { Module } from '@nestjs/common';
import { AuthModule } from '../auth';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';
import { GatewaysService } from './gateways.service';

/** The admin API under /api/admin (role admin); changes are audited through the auth module's AuditService. */
@Module({
  imports: [AuthModule],
  controllers: [AdminController],
  providers: [AdminService, GatewaysService],
})
export class AdminModule {}
