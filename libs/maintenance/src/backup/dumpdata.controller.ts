import { Controller } from '@nestjs/common';

/** PLACEHOLDER: filled by the backup work. */
@Controller()
export class DumpdataController {}
