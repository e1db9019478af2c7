// Buffered, byte-exact stdout: text is latin1 (one char per byte), written synchronously in large
// chunks. A closed pipe (`capsight ... | head`) ends the process quietly, like sysdig.
import { writeSync } from 'node:fs';

// Each write is encoded into one reused buffer at once, so a line's string dies young; keeping the
// strings until a flush made them survive scavenges and cost old-space collections.
const SIZE = 1 << 16;

export class Out {
  private readonly buf = Buffer.allocUnsafe(SIZE);
  private pos = 0;
  constructor(
    private readonly fd = 1,
    private readonly unbuffered = false,
  ) {}

  write(s: string): void {
    if (s.length > SIZE - this.pos) {
      this.flush();
      if (s.length > SIZE) {
        this.writeAll(Buffer.from(s, 'latin1'));
        return;
      }
    }
    this.pos += this.buf.write(s, this.pos, 'latin1');
    if (this.unbuffered) this.flush();
  }

  flush(): void {
    if (this.pos === 0) return;
    const n = this.pos;
    this.pos = 0;
    this.writeAll(this.buf.subarray(0, n));
  }

  private writeAll(buf: Buffer): void {
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
