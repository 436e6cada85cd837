/** One part of a multipart/form-data body (a file when `filename` is set). */
export interface Part {
  field: string;
  filename?: string;
  content: string | Buffer;
}

/** The boundary of the bodies built here. */
export const BOUNDARY = '----sftpgo-e2e-boundary';

/** A multipart/form-data body. */
export function multipart(parts: Part[]): { headers: Record<string, string>; body: Buffer } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.field}"${
      part.filename === undefined ? '' : `; filename="${part.filename}"`
    }`;
    chunks.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
    );
    chunks.push(Buffer.isBuffer(part.content) ? part.content : Buffer.from(part.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    body: Buffer.concat(chunks),
  };
}
