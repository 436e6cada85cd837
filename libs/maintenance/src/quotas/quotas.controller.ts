import {
  AdminPermission,
  ApiResponseDto,
  Audited,
  Authenticated,
  CurrentPrincipal,
  type Principal,
} from '@app/common';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import {
  FolderQuotaScanDto,
  QuotaScanDto,
  QuotaUsageDto,
  TransferQuotaUsageDto,
} from './dto/quota-usage.dto';
import { type MessageBody, QuotaScansService } from './quota-scans.service';

/** The `mode` query parameter of the usage PUTs. */
const ApiModeQuery = () =>
  ApiQuery({
    name: 'mode',
    required: false,
    enum: ['add', 'reset'],
    description: '`add` adds to the current usage, `reset` (default) replaces it',
  });

/** `/api/v2/quotas`: quota scans (`quota_scans`) and usage updates (`edit_users`, `manage_folders`). */
@ApiTags('quota')
@ApiBearerAuth()
@Controller('quotas')
export class QuotasController {
  constructor(private readonly scans: QuotaScansService) {}

  @Get('users/scans')
  @Authenticated({ as: 'admin', permission: AdminPermission.QuotaScans })
  @ApiOperation({ operationId: 'get_users_quota_scans', summary: 'Get active user quota scans' })
  @ApiOkResponse({ type: [QuotaScanDto] })
  listUserScans(@CurrentPrincipal() principal: Principal): QuotaScanDto[] {
    return this.scans.listUserScans(principal);
  }

  @Post('users/:username/scan')
  @HttpCode(202)
  @Authenticated({ as: 'admin', permission: AdminPermission.QuotaScans })
  @ApiOperation({ operationId: 'start_user_quota_scan', summary: 'Start a user quota scan' })
  @ApiAcceptedResponse({ type: ApiResponseDto })
  scanUser(
    @CurrentPrincipal() principal: Principal,
    @Param('username') username: string,
  ): Promise<MessageBody> {
    return this.scans.scanUser(principal, username);
  }

  @Put('users/:username/usage')
  @Authenticated({ as: 'admin', permission: AdminPermission.EditUsers })
  @Audited({ type: 'user', name: 'param:username' })
  @ApiOperation({ operationId: 'user_quota_update_usage', summary: 'Update disk quota usage limits' })
  @ApiModeQuery()
  @ApiOkResponse({ type: ApiResponseDto })
  updateUserUsage(
    @CurrentPrincipal() principal: Principal,
    @Param('username') username: string,
    @Query('mode') mode: unknown,
    @Body() body: QuotaUsageDto,
  ): Promise<MessageBody> {
    return this.scans.updateUserUsage(principal, username, mode, body);
  }

  @Put('users/:username/transfer-usage')
  @Authenticated({ as: 'admin', permission: AdminPermission.EditUsers })
  @Audited({ type: 'user', name: 'param:username' })
  @ApiOperation({
    operationId: 'user_transfer_quota_update_usage',
    summary: 'Update transfer quota usage limits',
  })
  @ApiModeQuery()
  @ApiOkResponse({ type: ApiResponseDto })
  updateTransferUsage(
    @CurrentPrincipal() principal: Principal,
    @Param('username') username: string,
    @Query('mode') mode: unknown,
    @Body() body: TransferQuotaUsageDto,
  ): Promise<MessageBody> {
    return this.scans.updateTransferUsage(principal, username, mode, body);
  }

  @Get('folders/scans')
  @Authenticated({ as: 'admin', permission: AdminPermission.QuotaScans })
  @ApiOperation({ operationId: 'get_folders_quota_scans', summary: 'Get active folder quota scans' })
  @ApiOkResponse({ type: [FolderQuotaScanDto] })
  listFolderScans(@CurrentPrincipal() principal: Principal): FolderQuotaScanDto[] {
    return this.scans.listFolderScans(principal);
  }

  @Post('folders/:name/scan')
  @HttpCode(202)
  @Authenticated({ as: 'admin', permission: AdminPermission.QuotaScans })
  @ApiOperation({ operationId: 'start_folder_quota_scan', summary: 'Start a folder quota scan' })
  @ApiAcceptedResponse({ type: ApiResponseDto })
  scanFolder(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<MessageBody> {
    return this.scans.scanFolder(principal, name);
  }

  @Put('folders/:name/usage')
  @Authenticated({ as: 'admin', permission: AdminPermission.ManageFolders })
  @Audited({ type: 'folder', name: 'param:name' })
  @ApiOperation({ operationId: 'folder_quota_update_usage', summary: 'Update folder quota usage limits' })
  @ApiModeQuery()
  @ApiOkResponse({ type: ApiResponseDto })
  updateFolderUsage(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Query('mode') mode: unknown,
    @Body() body: QuotaUsageDto,
  ): Promise<MessageBody> {
    return this.scans.updateFolderUsage(principal, name, mode, body);
  }
}
