import { Module } from '@nestjs/common';
import { CareModule } from '../care/care.module';
import { MeController } from './me.controller';

/** The signed-in patient's own routes, under /api/me. */
@Module({ imports: [CareModule], controllers: [MeController] })
export class MeModule {}
