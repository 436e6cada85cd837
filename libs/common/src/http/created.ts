import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';

/** What a create handler needs of the reply. */
interface HeaderWriter {
  header(name: string, value: string): unknown;
}

/** SFTPGo's `Location: /api/v2/<collection>/<url-escaped name>` on a 201. */
export function setLocation(reply: HeaderWriter, collection: string, name: string): void {
  reply.header('Location', `/api/v2/${collection}/${encodeURIComponent(name)}`);
}

/** OpenAPI documentation of `?confidential_data=1` (honoured for `*` admins only). */
export const ApiConfidentialQuery = () =>
  applyDecorators(
    ApiQuery({
      name: 'confidential_data',
      required: false,
      type: 'integer',
      description:
        'If set to 1 the secrets are returned with their key and additional data (`*` admins only)',
    }),
  );
