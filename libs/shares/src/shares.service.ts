import { Injectable } from '@nestjs/common';

/** The owner's share management (`/user/shares`). */
@Injectable()
export class SharesService {}
