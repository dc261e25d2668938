import { Module } from '@nestjs/common';
import { CompressionJob } from './compression.job';

/** Storage upkeep: compression of old observation chunks on the embedded database. */
@Module({ providers: [CompressionJob], exports: [CompressionJob] })
export class StorageModule {}
