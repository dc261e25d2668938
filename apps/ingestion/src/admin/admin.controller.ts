import { Body, Controller, Delete, Get, Header, HttpCode, Param, Patch, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  AuditQuerySchema,
  BindGatewayBodySchema,
  CareTeamHoursBodySchema,
  CreateCareTeamBodySchema,
  CreateGatewayBodySchema,
  CreatePatientBodySchema,
  CreateUserBodySchema,
  UpdatePatientBodySchema,
  PatientSignInBodySchema,
  type AdminGateway,
  type AdminPatient,
  type AdminUser,
  type AuditLogEntry,
  type CareTeam,
  type CareTeamHoursBody,
  type GatewayWithSecret,
  type OneTimePasswordResponse,
  type PatientSignInBody,
  type PatientSignInResponse,
  type User,
} from '@tm/contracts';
import { AuthGuard, CurrentUser, Roles, SourceAddress, ZodPipe } from '../auth';
import { AuditQueryDto, BindGatewayDto, CreateCareTeamDto, CreateGatewayDto, CreatePatientDto, CreateUserDto, UpdatePatientDto } from './admin.dto';
import { AdminService } from './admin.service';
import { GatewaysService } from './gateways.service';
import { AUDIT_CSV_COLUMNS } from './audit-log-repository';
import { toCsv } from './csv';

/** Administration: users, care teams, patients, gateways and the audit log. Admins only; every change audited. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/admin')
@UseGuards(AuthGuard)
@Roles('admin')
export class AdminController {
  constructor(
    private readonly admin: AdminService,
    private readonly gateways: GatewaysService,
  ) {}

  @Get('users')
  listUsers(): Promise<AdminUser[]> {
    return this.admin.listUsers();
  }

  @Post('users')
  createUser(@Body(new ZodPipe(CreateUserBodySchema)) body: CreateUserDto, @CurrentUser() user: User, @SourceAddress() source: string): Promise<AdminUser> {
    return this.admin.createUser({ user, source }, body);
  }

  @Post('users/:id/disable')
  @HttpCode(200)
  disableUser(@Param('id') id: string, @CurrentUser() user: User, @SourceAddress() source: string): Promise<AdminUser> {
    return this.admin.disableUser({ user, source }, id);
  }

  /** `{ oneTimePassword }`, shown once: the user must choose a new password at the next sign-in; their open sessions end. */
  @Post('users/:id/reset-password')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  resetPassword(@Param('id') id: string, @CurrentUser() user: User, @SourceAddress() source: string): Promise<OneTimePasswordResponse> {
    return this.admin.resetPassword({ user, source }, id);
  }

  /** Creates (or replaces) the patient's own sign-in: `{ username, oneTimePassword }`, shown once. */
  @Post('patients/:id/sign-in')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  givePatientSignIn(@Param('id') id: string, @Body(new ZodPipe(PatientSignInBodySchema)) body: PatientSignInBody, @CurrentUser() user: User, @SourceAddress() source: string): Promise<PatientSignInResponse> {
    return this.admin.givePatientSignIn({ user, source }, id, body.username);
  }

  @Delete('patients/:id/sign-in')
  @HttpCode(204)
  removePatientSignIn(@Param('id') id: string, @CurrentUser() user: User, @SourceAddress() source: string): Promise<void> {
    return this.admin.removePatientSignIn({ user, source }, id);
  }

  @Get('care-teams')
  listCareTeams(): Promise<CareTeam[]> {
    return this.admin.listCareTeams();
  }

  /** `{ serviceHours: { weekdays, from, to }, helpline: "1813" | "vagtlaege" }` */
  @Put('care-teams/:id/service-hours')
  setCareTeamHours(@Param('id') id: string, @Body(new ZodPipe(CareTeamHoursBodySchema)) body: CareTeamHoursBody, @CurrentUser() user: User, @SourceAddress() source: string): Promise<CareTeam> {
    return this.admin.setCareTeamHours({ user, source }, id, body);
  }

  @Post('care-teams')
  createCareTeam(@Body(new ZodPipe(CreateCareTeamBodySchema)) body: CreateCareTeamDto, @CurrentUser() user: User, @SourceAddress() source: string): Promise<CareTeam> {
    return this.admin.createCareTeam({ user, source }, body);
  }

  @Get('patients')
  listPatients(): Promise<AdminPatient[]> {
    return this.admin.listPatients();
  }

  @Post('patients')
  createPatient(@Body(new ZodPipe(CreatePatientBodySchema)) body: CreatePatientDto, @CurrentUser() user: User, @SourceAddress() source: string): Promise<AdminPatient> {
    return this.admin.createPatient({ user, source }, body);
  }

  /** `{ pausedUntil: iso }` pauses monitoring (e.g. while admitted), `{ pausedUntil: null }` resumes; `careTeams`, `schedule` replace. */
  @Patch('patients/:id')
  updatePatient(@Param('id') id: string, @Body(new ZodPipe(UpdatePatientBodySchema)) body: UpdatePatientDto, @CurrentUser() user: User, @SourceAddress() source: string): Promise<AdminPatient> {
    return this.admin.updatePatient({ user, source }, id, body);
  }

  @Get('gateways')
  listGateways(): Promise<AdminGateway[]> {
    return this.gateways.listGateways();
  }

  /** The response carries the gateway's MQTT secret; it is stored hashed and never shown again. */
  @Post('gateways')
  createGateway(@Body(new ZodPipe(CreateGatewayBodySchema)) body: CreateGatewayDto, @CurrentUser() user: User, @SourceAddress() source: string): Promise<GatewayWithSecret> {
    return this.gateways.createGateway({ user, source }, body);
  }

  /** A new secret, shown once; the old one is refused at once and the gateway's open connection is closed. */
  @Post('gateways/:id/rotate-secret')
  @HttpCode(200)
  rotateGatewaySecret(@Param('id') id: string, @CurrentUser() user: User, @SourceAddress() source: string): Promise<GatewayWithSecret> {
    return this.gateways.rotateGatewaySecret({ user, source }, id);
  }

  @Post('gateways/:id/revoke')
  @HttpCode(200)
  revokeGateway(@Param('id') id: string, @CurrentUser() user: User, @SourceAddress() source: string): Promise<AdminGateway> {
    return this.gateways.revokeGateway({ user, source }, id);
  }

  @Put('gateways/:id/patient')
  bindGateway(@Param('id') id: string, @Body(new ZodPipe(BindGatewayBodySchema)) body: BindGatewayDto, @CurrentUser() user: User, @SourceAddress() source: string): Promise<AdminGateway> {
    return this.gateways.bindGateway({ user, source }, id, body.patientId);
  }

  /** Newest first; `userId` matches a user id or user name; `from`/`to` are ISO instants. */
  @Get('audit')
  audit(@Query(new ZodPipe(AuditQuerySchema)) filter: AuditQueryDto, @CurrentUser() user: User, @SourceAddress() source: string): Promise<AuditLogEntry[]> {
    return this.admin.auditEntries({ user, source }, filter, 'json');
  }

  @Get('audit.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="audit.csv"')
  @Header('Cache-Control', 'no-store')
  async auditCsv(@Query(new ZodPipe(AuditQuerySchema)) filter: AuditQueryDto, @CurrentUser() user: User, @SourceAddress() source: string): Promise<string> {
    return toCsv(AUDIT_CSV_COLUMNS, await this.admin.auditEntries({ user, source }, filter, 'csv'));
  }
}
