import { ApiResponseDto, Authenticated, ClientIp, CurrentPrincipal, type Principal } from '@app/common';
import { PwdChangeDto } from '@app/admins';
import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserProfileDto } from './dto/user-profile.dto';
import { UserSelfService } from './user-self.service';
import type { UserProfileWire } from './users.mapper';

/** `/api/v2/user/profile` and `/api/v2/user/changepwd`: a user's own account (no API keys). */
@ApiTags('user APIs')
@ApiBearerAuth()
@Controller('user')
@Authenticated({ as: 'user', allowApiKey: false })
export class UserSelfController {
  constructor(private readonly self: UserSelfService) {}

  @Get('profile')
  @ApiOperation({ operationId: 'get_user_profile', summary: 'Get user profile' })
  @ApiOkResponse({ type: UserProfileDto })
  getProfile(@CurrentPrincipal() principal: Principal): Promise<UserProfileWire> {
    return this.self.getProfile(principal);
  }

  @Put('profile')
  @ApiOperation({ operationId: 'update_user_profile', summary: 'Update user profile' })
  @ApiOkResponse({ type: ApiResponseDto })
  updateProfile(
    @CurrentPrincipal() principal: Principal,
    @Body() body: UserProfileDto,
  ): Promise<ApiResponseDto> {
    return this.self.updateProfile(principal, body);
  }

  @Put('changepwd')
  @ApiOperation({ operationId: 'change_user_password', summary: 'Change user password' })
  @ApiOkResponse({ type: ApiResponseDto })
  changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body() body: PwdChangeDto,
    @ClientIp() ip: string,
  ): Promise<ApiResponseDto> {
    return this.self.changePassword(principal, body, ip);
  }
}
