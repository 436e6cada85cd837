import { Controller } from '@nestjs/common';

/** `/api/v2/user/shares`. */
@Controller('user/shares')
export class SharesController {}
