import { createZodDto } from 'nestjs-zod';
import { AuditQuerySchema, BindGatewayBodySchema, CreateCareTeamBodySchema, CreateGatewayBodySchema, CreatePatientBodySchema, CreateUserBodySchema, UpdatePatientBodySchema } from '@tm/contracts';

// The OpenAPI document's view of the admin bodies, derived from the contracts (never written twice).
export class CreateUserDto extends createZodDto(CreateUserBodySchema) {}
export class CreateCareTeamDto extends createZodDto(CreateCareTeamBodySchema) {}
export class CreatePatientDto extends createZodDto(CreatePatientBodySchema) {}
export class UpdatePatientDto extends createZodDto(UpdatePatientBodySchema) {}
export class CreateGatewayDto extends createZodDto(CreateGatewayBodySchema) {}
export class BindGatewayDto extends createZodDto(BindGatewayBodySchema) {}
export class AuditQueryDto extends createZodDto(AuditQuerySchema) {}
