import { type DefenderConfig, defaultConfig } from '@app/config';
import { banIncrementMs, scoreOf, validateDefenderConfig } from './defender.types';

function config(overrides: Partial<DefenderConfig> = {}): DefenderConfig {
  return { ...defaultConfig().common.defender, enabled: true, ...overrides };
}

describe('validateDefenderConfig', () => {
  it('accepts the defaults, and anything when disabled', () => {
    expect(() => validateDefenderConfig(config())).not.toThrow();
    expect(() => validateDefenderConfig(config({ enabled: false, threshold: 0 }))).not.toThrow();
  });

  it.each<[Partial<DefenderConfig>, string]>([
    [{ score_valid: 15 }, 'common.defender.score_valid: 15 must be lower than the threshold 15'],
    [{ score_invalid: 20 }, 'common.defender.score_invalid'],
    [{ score_limit_exceeded: 15 }, 'common.defender.score_limit_exceeded'],
    [{ score_no_auth: 16 }, 'common.defender.score_no_auth'],
    [
      { score_valid: 0, score_invalid: 0, score_limit_exceeded: -1, score_no_auth: 0 },
      'all scores are disabled',
    ],
    [{ ban_time: 0 }, 'common.defender.ban_time'],
    [{ ban_time_increment: -1 }, 'common.defender.ban_time_increment'],
    [{ observation_time: 0 }, 'common.defender.observation_time'],
    [{ entries_soft_limit: 0 }, 'common.defender.entries_soft_limit'],
    [
      { entries_hard_limit: 100 },
      'common.defender.entries_hard_limit: 100 must be greater than entries_soft_limit 100',
    ],
    [{ driver: 'redis' as 'memory' }, 'common.defender.driver'],
    [{ login_delay: { success: -1, password_failed: 0 } }, 'common.defender.login_delay.success'],
  ])('refuses %j', (overrides, message) => {
    expect(() => validateDefenderConfig(config(overrides))).toThrow(message);
  });
});

describe('scores and ban increments', () => {
  it('maps event kinds to their scores, negative as 0', () => {
    const c = config({ score_valid: 1, score_invalid: 2, score_limit_exceeded: 3, score_no_auth: -4 });
    expect(scoreOf(c, 'LoginFailed')).toBe(1);
    expect(scoreOf(c, 'UserNotFound')).toBe(2);
    expect(scoreOf(c, 'LimitExceeded')).toBe(3);
    expect(scoreOf(c, 'NoLoginTried')).toBe(0);
  });

  it('computes the increment in whole minutes, at least one', () => {
    expect(banIncrementMs(config())).toBe(15 * 60_000);
    expect(banIncrementMs(config({ ban_time: 3, ban_time_increment: 50 }))).toBe(60_000);
    expect(banIncrementMs(config({ ban_time: 1, ban_time_increment: 1 }))).toBe(60_000);
  });
});
