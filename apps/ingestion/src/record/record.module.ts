import { Module } from '@nestjs/common';
import { RecordController } from './record.controller';
import { RecordService } from './record.service';

/** The shared care record (notes, calls, visits, video) and contacts, under /api/patients/:id. */
@Module({ controllers: [RecordController], providers: [RecordService] })
export class RecordModule {}
