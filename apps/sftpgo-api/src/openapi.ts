import { API_VERSION } from '@app/maintenance';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Serves the OpenAPI document generated from the code at `/openapi.json`, Swagger UI at `/openapi`. */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('SFTPGo')
    .setDescription('SFTPGo-compatible REST API v2')
    .setVersion(`v${API_VERSION}`)
    .setLicense('AGPL-3.0-only', 'https://www.gnu.org/licenses/agpl-3.0.en.html')
    .addBasicAuth()
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-SFTPGO-API-KEY' }, 'APIKeyAuth')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('openapi', app, document, { jsonDocumentUrl: 'openapi.json', useGlobalPrefix: false });
}
