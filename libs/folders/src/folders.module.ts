import { Module } from '@nestjs/common';

/** Virtual folders: the /folders endpoints and folder mappings. */
@Module({})
export class FoldersModule {}
