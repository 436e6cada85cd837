/** The SFTPGo REST API level this server implements. */
export const API_VERSION = '2.7.0';

/** Features in SFTPGo's `+name`/`-name` form. */
export const FEATURES = [
  '+mysql',
  '+pgsql',
  '+sqlite',
  '-bolt',
  '-s3',
  '-gcs',
  '-azblob',
  '+metrics',
  '-portable',
];
