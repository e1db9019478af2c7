// Buffered, byte-exact stdout: text is latin1 (one char per byte), written synchronously in large
// chunks. A closed pipe (`capsight ... | head`) ends the process quietly, like sysdig.
import { writeSync } from 'node:fs';

const LIMIT = 1 << 20;

export class Out {
  private parts: string[] = [];
  private size = 0;
  constructor(
    private readonly fd = 1,
    private readonly unbuffered = false,
  ) {}

  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= LIMIT || this.unbuffered) this.flush();
  }

  flush(): void {
    if (this.size === 0 && this.parts.length === 0) return;
    const buf = Buffer.from(this.parts.join(''), 'latin1');
    this.parts = [];
    this.size = 0;
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(this.fd, buf, off, buf.length - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') continue;
        if (code === 'EPIPE') process.exit(0);
        throw e;
      }
    }
  }
}
