import yazl from 'yazl';

export interface ZipEntry {
  path: string;
  data: Buffer;
}

/**
 * A zip date whose DOS fields (which zip stores in "local time") read as the given UTC time in
 * every time zone: yazl reads the local-time fields of the Date it is given.
 */
function dosDate(utc: Date): Date {
  return new Date(utc.getUTCFullYear(), utc.getUTCMonth(), utc.getUTCDate(), utc.getUTCHours(), utc.getUTCMinutes(), utc.getUTCSeconds());
}

/** The earliest date a zip can store (1980-01-01). */
const ZIP_EPOCH = Date.UTC(1980, 0, 1);

/**
 * A reproducible zip: entries sorted by path, one fixed timestamp, fixed permissions (0644),
 * no extended-timestamp field (it would carry the local offset), deflate at a fixed level.
 */
export function createZip(entries: readonly ZipEntry[], date: Date): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const mtime = dosDate(new Date(Math.max(date.getTime(), ZIP_EPOCH)));
  for (const entry of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    zip.addBuffer(entry.data, entry.path, { mtime, mode: 0o100644, compress: true, forceDosTimestamp: true } as yazl.Options & { forceDosTimestamp: boolean });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}
