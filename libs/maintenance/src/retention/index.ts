/** `RetentionModule`: the retention service and `GET /retention/users/checks`. */
export { RetentionModule } from './retention.module';
/** `RetentionService`: starts (one per user), awaits and lists data retention checks. */
export { RetentionService, type RetentionHandle, type RetentionResult } from './retention.service';
/** SFTPGo's `FolderRetention` rules: validation and wire form. */
export { type FolderRetention, type RetentionRule, validateRetentionRules } from './retention-rules';
/** What one rule of a check did. */
export { type RetentionRuleResult } from './retention-walk';
/** SFTPGo's `FolderRetention` and `RetentionCheck` schema DTOs. */
export { FolderRetentionDto, RetentionCheckDto } from './dto/retention-check.dto';
