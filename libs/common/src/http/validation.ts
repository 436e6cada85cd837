import {
  type ArgumentMetadata,
  ValidationError as ClassValidatorError,
  ValidationPipe,
} from '@nestjs/common';
import { BadRequestError, ValidationError } from '../errors/api-error';

function firstProblem(errors: ClassValidatorError[], parent = ''): string {
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const constraint = error.constraints ? Object.values(error.constraints)[0] : undefined;
    if (constraint)
      return constraint.startsWith(error.property)
        ? `${parent ? `${parent}.` : ''}${constraint}`
        : `${path}: ${constraint}`;
    if (error.children?.length) return firstProblem(error.children, path);
  }
  return 'invalid request body';
}

/** A DTO body that is missing altogether is a 400 (SFTPGo's JSON decoder answers EOF), not `{}`. */
class BodyRequiredValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isDto = typeof metadata.metatype === 'function' && metadata.metatype !== Object;
    if (metadata.type === 'body' && isDto && (value === undefined || value === null)) {
      throw new BadRequestError('request body is required: EOF');
    }
    return super.transform(value, metadata);
  }
}

/**
 * The one validation pipe: DTOs are checked with class-validator; unknown fields are dropped
 * (SFTPGo ignores them); a failure is a 400 `Validation error: <field>: <problem>`.
 */
export function createValidationPipe(): ValidationPipe {
  return new BodyRequiredValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: false,
    exceptionFactory: (errors) => new ValidationError(firstProblem(errors)),
  });
}
