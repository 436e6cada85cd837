import { Injectable } from '@nestjs/common';

/** The public share endpoints' gate and operations. */
@Injectable()
export class PublicSharesService {}
