export * from './shares.module';
/** The owner's share management and the share scope values. */
export * from './shares.service';
/** Wire JSON of a share (password redacted). */
export * from './share-wire';
/** SFTPGo's `Share` schema DTO. */
export * from './dto/share.dto';
export * from './entities/share.entity';
