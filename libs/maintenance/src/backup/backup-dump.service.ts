import { AdminsService } from '@app/admins';
import { ApiKeysService } from '@app/api-keys';
import { ApiError, BadRequestError, type Principal } from '@app/common';
import { InjectConfig, type SftpgoConfig } from '@app/config';
import { FoldersService } from '@app/folders';
import { GroupsService } from '@app/groups';
import { RolesService } from '@app/roles';
import { IpListsService, IpListType } from '@app/security';
import { SharesService } from '@app/shares';
import { isOsPathWithin } from '@app/storage';
import { UsersService } from '@app/users';
import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdir, open, realpath, rename, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { BACKUP_SECTIONS, type BackupData, DUMP_VERSION, type DumpScope } from './backup.types';

/** A `BackupData` key whose value is an array. */
type Section = (typeof BACKUP_SECTIONS)[number];

/** The `/dumpdata` query parameters, as received. */
export interface DumpQuery {
  'output-file'?: unknown;
  'output-data'?: unknown;
  indent?: unknown;
  scopes?: unknown;
}

/** What `/dumpdata` answers: the backup as a stream (`output-data=1`) or the ack of a written file. */
export type DumpResult =
  | { headers: Record<string, string>; body: Readable }
  | { headers: Record<string, string>; body: { message: string } };

/** The scope that selects each section (`event_*` are selected by `actions`/`rules`). */
const SECTION_SCOPE: Record<Section, DumpScope> = {
  users: 'users',
  groups: 'groups',
  folders: 'folders',
  admins: 'admins',
  api_keys: 'api_keys',
  shares: 'shares',
  event_actions: 'actions',
  event_rules: 'rules',
  roles: 'roles',
  ip_lists: 'ip_lists',
};

// Rows read per query: memory holds one page of one section at a time, whatever the installation's size.
const PAGE_SIZE = 200;

// Bytes produced before the response starts: a failure within them still gets an error status.
const PRIME_BYTES = 64 * 1024;

const IP_LIST_TYPES = [IpListType.AllowList, IpListType.Defender, IpListType.RateLimiterSafeList];

/** The first value of a query parameter (Go's `Query().Get`), trimmed. */
function queryValue(value: unknown): string {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim() : '';
}

/** SFTPGo's `getCommaSeparatedQueryParam`: split on commas, trimmed, empties and duplicates dropped. */
function parseScopes(value: unknown): Set<string> {
  return new Set(
    queryValue(value)
      .split(',')
      .map((scope) => scope.trim())
      .filter((scope) => scope !== ''),
  );
}

/** The JSON of one array item, indented for its depth (two levels) when pretty-printing. */
function itemJson(item: unknown, indent: boolean): string {
  // JSON escapes newlines inside strings, so every raw newline is structural.
  return indent ? JSON.stringify(item, null, 2).replace(/\n/g, '\n    ') : JSON.stringify(item);
}

function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as NodeJS.ErrnoException).code : undefined;
}

/**
 * `GET /dumpdata`: SFTPGo's `BackupData`, not redacted, written section by section from pages of
 * rows (never the whole dump in memory) to the response or to a file under `backups_path`.
 */
@Injectable()
export class BackupDumpService {
  private readonly logger = new Logger(BackupDumpService.name);

  constructor(
    @InjectConfig() private readonly config: SftpgoConfig,
    private readonly users: UsersService,
    private readonly groups: GroupsService,
    private readonly folders: FoldersService,
    private readonly admins: AdminsService,
    private readonly apiKeys: ApiKeysService,
    private readonly shares: SharesService,
    private readonly roles: RolesService,
    private readonly ipLists: IpListsService,
  ) {}

  /** Streams the dump (`output-data=1`) or writes it atomically (temp + rename, mode 0600) to `output-file`. */
  async dump(principal: Principal, query: DumpQuery): Promise<DumpResult> {
    const scopes = parseScopes(query.scopes);
    const indent = queryValue(query.indent) === '1';
    const scopeText = scopes.size > 0 ? [...scopes].join(',') : 'all';
    if (queryValue(query['output-data']) === '1') {
      const counts: Partial<Record<Section, number>> = {};
      const chunks = this.logged(this.chunks(scopes, indent, counts), () =>
        this.logger.log(
          `admin "${principal.username}" dumped data (scopes: ${scopeText}) to the response: ${this.countsText(counts)}`,
        ),
      );
      return {
        headers: {
          'content-type': 'application/json',
          'content-disposition': 'attachment; filename="sftpgo-backup.json"',
        },
        body: await this.primed(chunks),
      };
    }
    const outputFile = queryValue(query['output-file']);
    const target = await this.targetPath(outputFile);
    const counts: Partial<Record<Section, number>> = {};
    await this.writeAtomically(target, this.chunks(scopes, indent, counts));
    this.logger.log(
      `admin "${principal.username}" dumped data (scopes: ${scopeText}) to "${target}": ${this.countsText(counts)}`,
    );
    return { headers: {}, body: { message: 'Data saved' } };
  }

  /**
   * SFTPGo's `validateBackupFile` (texts kept), then the path under `backups_path` with every
   * directory on the way created (0700) and checked after resolving symlinks: nothing is created or
   * written outside `backups_path`.
   */
  private async targetPath(outputFile: string): Promise<string> {
    if (outputFile === '') throw new BadRequestError('invalid or missing output-file');
    const quoted = JSON.stringify(outputFile);
    if (isAbsolute(outputFile)) {
      throw new BadRequestError(`invalid output-file ${quoted}: it must be a relative path`);
    }
    // Control characters (NUL among them) cannot name a file here.
    // eslint-disable-next-line no-control-regex
    if (outputFile.includes('..') || /[\u0000-\u001f]/.test(outputFile)) {
      throw new BadRequestError(`invalid output-file ${quoted}`);
    }
    const parts = posix
      .normalize(outputFile)
      .split('/')
      .filter((part) => part !== '' && part !== '.');
    const name = parts.pop();
    if (name === undefined || outputFile.endsWith('/'))
      throw new BadRequestError(`invalid output-file ${quoted}`);
    try {
      await mkdir(this.config.data_provider.backups_path, { recursive: true, mode: 0o700 });
      const root = await realpath(this.config.data_provider.backups_path);
      let dir = root;
      for (const part of parts) {
        const next = join(dir, part);
        // mkdir never follows a symlink at `next` (EEXIST): where it leads is resolved and checked here.
        await mkdir(next, { mode: 0o700 }).catch((error: unknown) => {
          if (errnoCode(error) !== 'EEXIST') throw error;
        });
        dir = await realpath(next);
        if (!isOsPathWithin(root, dir)) throw new BadRequestError(`invalid output-file ${quoted}`);
      }
      return join(dir, name);
    } catch (error) {
      throw this.fsError(error, outputFile);
    }
  }

  /** Writes `chunks` to a new 0600 temp file beside `target`, syncs it, then renames it over `target`. */
  private async writeAtomically(target: string, chunks: AsyncIterable<string>): Promise<void> {
    const temp = join(dirname(target), `.${randomBytes(8).toString('hex')}.dumpdata.tmp`);
    let written = false;
    try {
      // `wx`: a fresh file, never an existing one or a symlink planted at the temp name.
      const file = await open(temp, 'wx', 0o600);
      try {
        await file.chmod(0o600);
        for await (const chunk of chunks) await file.write(chunk);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, target);
      written = true;
    } catch (error) {
      throw this.fsError(error, target);
    } finally {
      if (!written) await unlink(temp).catch(() => undefined);
    }
  }

  /** An error of the file path as SFTPGo answers it: permission → 403, our own 4xx as is, else 500. */
  private fsError(error: unknown, path: string): ApiError {
    if (error instanceof ApiError) return error;
    const code = errnoCode(error);
    const text = error instanceof Error ? error.message : String(error);
    this.logger.warn(`dumping data error: ${text}, output file: ${JSON.stringify(path)}`);
    return new ApiError(code === 'EACCES' || code === 'EPERM' ? 403 : 500, text, '');
  }

  /** The dump as JSON text, section after section in SFTPGo's key order; `counts` filled on the way. */
  private async *chunks(
    scopes: Set<string>,
    indent: boolean,
    counts: Partial<Record<Section, number>>,
  ): AsyncGenerator<string> {
    const nl = indent ? '\n' : '';
    const pad = indent ? '  ' : '';
    const colon = indent ? ': ' : ':';
    yield '{';
    for (const section of BACKUP_SECTIONS) {
      yield `${section === BACKUP_SECTIONS[0] ? '' : ','}${nl}${pad}"${section}"${colon}`;
      // Outside the scopes, SFTPGo's section stays a nil slice: `null`.
      if (scopes.size > 0 && !scopes.has(SECTION_SCOPE[section])) {
        yield 'null';
        continue;
      }
      let count = 0;
      for await (const page of this.pages(section)) {
        let text = '';
        for (const item of page) {
          text += `${count === 0 ? '[' : ','}${nl}${pad}${pad}${itemJson(item, indent)}`;
          count += 1;
        }
        yield text;
      }
      yield count === 0 ? '[]' : `${nl}${pad}]`;
      counts[section] = count;
    }
    // No stored configs here: `configs` is null, as `BackupData` documents.
    const configs: BackupData['configs'] = null;
    yield `,${nl}${pad}"configs"${colon}${JSON.stringify(configs)},${nl}${pad}"version"${colon}${DUMP_VERSION}${nl}}`;
  }

  /** The rows of one section, page by page, through the owning lib's mapper. */
  private pages(section: Section): AsyncGenerator<unknown[]> {
    switch (section) {
      case 'users':
        return this.offsetPages((offset, limit) => this.users.dumpPage(offset, limit));
      case 'groups':
        return this.offsetPages((offset, limit) => this.groups.dumpPage(offset, limit));
      case 'folders':
        return this.offsetPages((offset, limit) => this.folders.dumpPage(offset, limit));
      case 'admins':
        return this.offsetPages((offset, limit) => this.admins.dumpPage(offset, limit));
      case 'api_keys':
        return this.offsetPages((offset, limit) => this.apiKeys.dumpPage(offset, limit));
      case 'shares':
        return this.offsetPages((offset, limit) => this.shares.dumpPage(offset, limit));
      case 'roles':
        return this.offsetPages((offset, limit) => this.roles.dumpPage(offset, limit));
      case 'ip_lists':
        return this.ipListPages();
      case 'event_actions':
      case 'event_rules':
        // No event manager here: always empty.
        return this.offsetPages(() => Promise.resolve([]));
    }
  }

  private async *offsetPages(
    load: (offset: number, limit: number) => Promise<unknown[]>,
  ): AsyncGenerator<unknown[]> {
    for (let offset = 0; ; offset += PAGE_SIZE) {
      const page = await load(offset, PAGE_SIZE);
      if (page.length > 0) yield page;
      if (page.length < PAGE_SIZE) return;
    }
  }

  /** The three IP lists, each paged by `ipornet` (keyset, as `/iplists` does). */
  private async *ipListPages(): AsyncGenerator<unknown[]> {
    for (const type of IP_LIST_TYPES) {
      let from = '';
      for (;;) {
        const page = await this.ipLists.list(type, { filter: '', from, order: 'ASC', limit: PAGE_SIZE });
        if (page.length > 0) yield page;
        if (page.length < PAGE_SIZE) break;
        from = page[page.length - 1].ipornet;
      }
    }
  }

  /**
   * The stream of a dump whose first chunks (up to `PRIME_BYTES`, so small dumps whole) are made
   * before the status is sent: a database failure there is a proper error answer, not a cut body.
   */
  private async primed(chunks: AsyncGenerator<string>): Promise<Readable> {
    const head: string[] = [];
    let size = 0;
    let done = false;
    while (!done && size < PRIME_BYTES) {
      const next = await chunks.next();
      if (next.done) done = true;
      else {
        head.push(next.value);
        size += next.value.length;
      }
    }
    async function* all(): AsyncGenerator<string> {
      yield* head;
      if (!done) yield* chunks;
    }
    return Readable.from(all(), { objectMode: false });
  }

  /** Logs the outcome of a streamed dump once it ends (or why it stopped: the client sees a cut body). */
  private async *logged(chunks: AsyncGenerator<string>, done: () => void): AsyncGenerator<string> {
    try {
      yield* chunks;
      done();
    } catch (error) {
      this.logger.error(`dumping data error: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }

  private countsText(counts: Partial<Record<Section, number>>): string {
    const parts = Object.entries(counts).map(([section, count]) => `${section}=${count}`);
    return parts.length > 0 ? parts.join(' ') : 'nothing in scope';
  }
}
