import type { DefenderConfig } from '@app/config';
import type { DefenderEventKind } from '../security.types';

/** A host the defender knows: banned until `banUntil` (epoch ms; 0 = not banned) or with a score. */
export interface DefenderHost {
  ip: string;
  /** Sum of the scores within the observation time; 0 for a banned host (SFTPGo omits it). */
  score: number;
  banUntil: number;
}

/** Where the defender keeps its hosts: this process (`memory`) or the database (`provider`). */
export interface DefenderDriver {
  /** On the request path: synchronous, no I/O. A hit extends the ban (SFTPGo). */
  isBanned(ip: string, now: number): boolean;
  /** Scores an event; true when it banned the host (metrics count bans). */
  addEvent(ip: string, score: number, now: number): Promise<boolean>;
  /** Banned hosts and hosts with a score. */
  hosts(now: number): Promise<DefenderHost[]>;
  host(ip: string, now: number): Promise<DefenderHost | undefined>;
  /** Unbans and forgets the host; false when it is not a listed host. */
  deleteHost(ip: string, now: number): Promise<boolean>;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** The time the defender works with; a class so that tests can give their own. */
export class DefenderClock {
  now(): number {
    return Date.now();
  }
}

export const MINUTE_MS = 60_000;

/** How much a request from a banned host extends its ban: `ban_time * ban_time_increment / 100` minutes, at least 1 (integer math, as SFTPGo). */
export function banIncrementMs(config: DefenderConfig): number {
  return Math.max(1, Math.trunc((config.ban_time * config.ban_time_increment) / 100)) * MINUTE_MS;
}

/** The score of an event kind (SFTPGo's `getScore`; a negative score counts as 0). */
export function scoreOf(config: DefenderConfig, kind: DefenderEventKind): number {
  const scores: Record<DefenderEventKind, number> = {
    LoginFailed: config.score_valid,
    UserNotFound: config.score_invalid,
    LimitExceeded: config.score_limit_exceeded,
    NoLoginTried: config.score_no_auth,
  };
  return Math.max(0, scores[kind]);
}

/**
 * SFTPGo's checks of `common.defender` (only when enabled), with messages naming the key; negative
 * scores count as 0 (SFTPGo). Throws the first problem found.
 */
export function validateDefenderConfig(config: DefenderConfig): void {
  if (!config.enabled) return;
  const key = (name: string) => `common.defender.${name}`;
  if (config.driver !== 'memory' && config.driver !== 'provider') {
    throw new Error(`${key('driver')}: must be "memory" or "provider", got "${String(config.driver)}"`);
  }
  const scores = ['score_invalid', 'score_valid', 'score_limit_exceeded', 'score_no_auth'] as const;
  for (const name of scores) {
    if (!Number.isInteger(config[name])) throw new Error(`${key(name)}: must be an integer`);
  }
  if (scores.every((name) => config[name] <= 0)) {
    throw new Error(`${key('score_*')}: all scores are disabled, at least one must be greater than 0`);
  }
  for (const name of scores) {
    if (config[name] >= config.threshold) {
      throw new Error(`${key(name)}: ${config[name]} must be lower than the threshold ${config.threshold}`);
    }
  }
  for (const name of ['ban_time', 'ban_time_increment', 'observation_time', 'entries_soft_limit'] as const) {
    if (!Number.isInteger(config[name]) || config[name] <= 0) {
      throw new Error(`${key(name)}: must be an integer greater than 0, got ${config[name]}`);
    }
  }
  if (
    !Number.isInteger(config.entries_hard_limit) ||
    config.entries_hard_limit <= config.entries_soft_limit
  ) {
    throw new Error(
      `${key('entries_hard_limit')}: ${config.entries_hard_limit} must be greater than entries_soft_limit ${config.entries_soft_limit}`,
    );
  }
  for (const name of ['success', 'password_failed'] as const) {
    const value = config.login_delay?.[name];
    if (!Number.isInteger(value) || value < 0) {
      throw new Error(`${key(`login_delay.${name}`)}: must be an integer >= 0 (milliseconds), got ${value}`);
    }
  }
}
