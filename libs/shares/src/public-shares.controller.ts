import { Controller } from '@nestjs/common';

/** `/api/v2/shares/{id}...`: public (no token), gated by the share itself. */
@Controller('shares')
export class PublicSharesController {}
