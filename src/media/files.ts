import { mkdir, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  mediaFileName,
  MEDIA_FORMATS,
  MEDIA_WIDTHS,
  type MediaFormat,
  type MediaWidth,
} from '../model/media.js';
import type { MediaCopy } from './resize.js';

/**
 * The resized copies on disk: one folder per two first characters of the key (256 folders, so that
 * no folder grows past a few thousand files), each copy written under a temporary name and renamed,
 * so that a reader never sees half a file. Every web process serves from here, and the workers write
 * here: processes on several machines share it as a shared folder.
 */
export class MediaFiles {
  constructor(readonly dir: string) {}

  path(key: string, width: MediaWidth, format: MediaFormat): string {
    return join(this.dir, key.slice(0, 2), mediaFileName(key, width, format));
  }

  /** Writes an image's copies; how many bytes they take. */
  async write(key: string, copies: readonly MediaCopy[]): Promise<number> {
    const folder = join(this.dir, key.slice(0, 2));
    await mkdir(folder, { recursive: true });
    let bytes = 0;
    for (const copy of copies) {
      const target = this.path(key, copy.width, copy.format);
      const temporary = `${target}.${process.pid}.tmp`;
      await writeFile(temporary, copy.data);
      await rename(temporary, target);
      bytes += copy.data.byteLength;
    }
    return bytes;
  }

  /** Deletes an image's copies (those there are). */
  async remove(key: string): Promise<void> {
    await Promise.all(
      MEDIA_WIDTHS.flatMap((w) => MEDIA_FORMATS.map((f) => rm(this.path(key, w, f), { force: true }))),
    );
  }

  /** Bytes on disk under the folder, counted file by file (for reports; the store keeps the running figure). */
  async diskBytes(): Promise<number> {
    let total = 0;
    let folders: string[];
    try {
      folders = await readdir(this.dir);
    } catch {
      return 0;
    }
    for (const folder of folders) {
      const names = await readdir(join(this.dir, folder)).catch(() => [] as string[]);
      for (const name of names)
        total += (await stat(join(this.dir, folder, name)).catch(() => null))?.size ?? 0;
    }
    return total;
  }

  /** Removes temporary files a killed process left behind. */
  async removeLeftovers(): Promise<number> {
    let removed = 0;
    const folders = await readdir(this.dir).catch(() => [] as string[]);
    for (const folder of folders) {
      const names = await readdir(join(this.dir, folder)).catch(() => [] as string[]);
      for (const name of names.filter((n) => n.endsWith('.tmp'))) {
        await unlink(join(this.dir, folder, name)).catch(() => undefined);
        removed++;
      }
    }
    return removed;
  }
}
