/**
 * A buffered, synchronous line writer for large CSV outputs (millions of rows): lines are joined
 * in memory and written in ~1 MB chunks, so memory stays flat and rows keep their order. The
 * file is written as `<file>.partial` and renamed on close, so an interrupted run never leaves a
 * truncated file under the real name (the previous complete one stays).
 */
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';

const FLUSH_CHARS = 1 << 20;

export class LineWriter {
  private readonly fd: number;
  private parts: string[] = [];
  private chars = 0;

  /** `header`: the first line (null: none, e.g. for JSON lines). */
  constructor(readonly file: string, header: string | null) {
    this.fd = openSync(`${file}.partial`, 'w');
    if (header !== null) this.line(header);
  }

  line(text: string): void {
    this.parts.push(text);
    this.chars += text.length + 1;
    if (this.chars >= FLUSH_CHARS) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    writeSync(this.fd, `${this.parts.join('\n')}\n`);
    this.parts = [];
    this.chars = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
    renameSync(`${this.file}.partial`, this.file);
  }
}
