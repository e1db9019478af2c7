// libsinsp's path joining (concatenate_paths / copy_and_sanitize_path), including its quirks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatenatePaths, sanitizeString } from './paths.js';
import { utf8Bytes } from '../bytes.js';

test('normalizes like libsinsp', () => {
  const cases: [string, string, string][] = [
    ['/home/u/', '../etc/./x//y/', '/home/etc/x/y'],
    ['/a/b/', 'c', '/a/b/c'],
    ['/a/b/', '/abs/p', '/abs/p'],
    ['/a/b/', '//abs//p/', '/abs/p'],
    ['/a/', '..', '/'],
    ['/', '../../x', '/x'],
    ['/a/', 'b/', '/a/b'],
    ['/a/', 'x\u0001y', '/a/x.y'],
    // ".." directly after a name still rewinds one component (libsinsp does not check for a '/').
    ['/a/', 'foo../bar', '/a/bar'],
    ['/a/', 'x/.', '/a/x'],
    ['/a/', './x', '/a/x'],
    ['/a/', 'a./b', '/a/ab'],
    ['/a/', 'file..txt', '/a/file..txt'],
    ['', 'rel', 'rel'],
    ['<UNKNOWN>', 'x', '<UNKNOWN>x'],
    // Non-ASCII bytes become dots, one per byte.
    ['/', '\u00e9t\u00e9', '/.t.'],
  ];
  for (const [a, b, want] of cases) assert.equal(concatenatePaths(a, b), want, `${a} + ${b}`);
});

test('decoded text becomes its UTF-8 bytes: each then becomes a dot', () => {
  assert.equal(utf8Bytes('\u00e9t\u00e9'), '\u00c3\u00a9t\u00c3\u00a9');
  assert.equal(concatenatePaths('/', utf8Bytes('\u00e9t\u00e9')), '/..t..');
  assert.equal(utf8Bytes('plain'), 'plain');
});

test('an empty second path yields the first without its trailing slash', () => {
  // An empty CHARBUF parameter still has length 1 (its NUL).
  assert.equal(concatenatePaths('/a/b/', '', 1), '/a/b');
});

test('paths past SCAP_MAX_PATH_SIZE become /PATH_TOO_LONG', () => {
  assert.equal(concatenatePaths('/' + 'a'.repeat(600), 'b'.repeat(500)), '/PATH_TOO_LONG');
});

test('sanitizeString drops non-printable characters', () => {
  assert.equal(sanitizeString('/var/run/x.sock\n'), '/var/run/x.sock');
  assert.equal(sanitizeString('plain'), 'plain');
});
