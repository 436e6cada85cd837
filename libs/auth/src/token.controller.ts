import {
  ApiResponseDto,
  Authenticated,
  type ClientPeer,
  CurrentPrincipal,
  Peer,
  type Principal,
  Public,
} from '@app/common';
import { Controller, Get, Headers, HttpCode } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthService } from './auth.service';
import { TokenDto } from './dto/token.dto';

/** `GET /api/v2/token` and `GET /api/v2/logout` for admins. */
@ApiTags('token')
@Controller()
export class AdminTokenController {
  constructor(private readonly auth: AuthService) {}

  @Get('token')
  @Public()
  @ApiBasicAuth()
  @ApiOperation({ operationId: 'get_token', summary: 'Get a new admin access token' })
  @ApiOkResponse({ type: TokenDto })
  getToken(
    @Headers('authorization') authorization: string | undefined,
    @Peer() peer: ClientPeer,
  ): Promise<TokenDto> {
    return this.auth.adminToken(authorization, peer);
  }

  @Get('logout')
  @HttpCode(200)
  @Authenticated({ as: 'admin', allowApiKey: false })
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'logout', summary: 'Invalidate an admin access token' })
  @ApiOkResponse({ type: ApiResponseDto })
  logout(@CurrentPrincipal() principal: Principal): Promise<ApiResponseDto> {
    return this.auth.logout(principal);
  }
}

/** `GET /api/v2/user/token` and `GET /api/v2/user/logout` for users. */
@ApiTags('token')
@Controller('user')
export class UserTokenController {
  constructor(private readonly auth: AuthService) {}

  @Get('token')
  @Public()
  @ApiBasicAuth()
  @ApiOperation({ operationId: 'get_user_token', summary: 'Get a new user access token' })
  @ApiOkResponse({ type: TokenDto })
  getToken(
    @Headers('authorization') authorization: string | undefined,
    @Peer() peer: ClientPeer,
  ): Promise<TokenDto> {
    return this.auth.userToken(authorization, peer);
  }

  @Get('logout')
  @HttpCode(200)
  @Authenticated({ as: 'user', allowApiKey: false })
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'client_logout', summary: 'Invalidate a user access token' })
  @ApiOkResponse({ type: ApiResponseDto })
  logout(@CurrentPrincipal() principal: Principal): Promise<ApiResponseDto> {
    return this.auth.logout(principal);
  }
}
