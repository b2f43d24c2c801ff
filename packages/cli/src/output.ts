// Output files: checked before a command does any work, written atomically after it. The check
// is what the write will need, without writing: the path is (or can become) a regular file, in a
// directory on a real file system that accepts writes. A path on a virtual file system (/proc,
// /sys, /dev) or that names a device, a pipe or a directory is refused at once: a rename over
// /dev/null or a write into a pipe nobody reads must never happen.
import { accessSync, constants, lstatSync, mkdirSync, renameSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OutputPathError } from './errors';

/** statfs(2) magic numbers of file systems that hold no files of ours (linux/magic.h). */
const VIRTUAL_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1373, 'devtmpfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x6165676c, 'pstore'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
  [0xde5e81e4, 'efivarfs'],
  [0x19800202, 'mqueue'],
  [0x65735543, 'fusectl'],
]);

const errnoReason = (err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return e.code ?? e.message;
  }
};

/**
 * Throws an OutputPathError unless `file` can be written by writeOutput: a regular file or a new
 * name, in a writable directory (or one that can be created under a writable directory) on a real
 * file system. Creates nothing.
 */
export function checkOutputPath(flag: string, file: string): void {
  const fail = (reason: string, cause?: unknown): never => {
    throw new OutputPathError(flag, file, reason, cause === undefined ? {} : { cause });
  };
  if (file.trim() === '') fail('is empty: name a file');
  if (file.endsWith('/') || file.endsWith(path.sep)) fail('names a directory: name a file in it');
  const target = path.resolve(file);
  let existing: ReturnType<typeof statSync> | undefined;
  try {
    lstatSync(target);
    existing = statSync(target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') existing = undefined;
    else if (code === 'ENOTDIR') fail(`${nearestExisting(path.dirname(target))} is not a directory`, err);
    else fail(`cannot be checked (${errnoReason(err)})`, err);
  }
  if (existing?.isDirectory()) fail('is a directory: name a file in it');
  if (existing && !existing.isFile()) fail('is not a regular file (a device, a pipe or a socket)');
  const dir = nearestExisting(path.dirname(target));
  if (!statSync(dir).isDirectory()) fail(`${dir} is not a directory`);
  let fsType: number;
  try {
    fsType = Number(statfsSync(dir).type);
  } catch (err) {
    return fail(`its directory cannot be checked (${errnoReason(err)})`, err);
  }
  const virtual = VIRTUAL_FILE_SYSTEMS.get(fsType);
  if (virtual) fail(`is on a virtual file system (${virtual}), which holds no files`);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    if (existing) accessSync(target, constants.W_OK);
  } catch (err) {
    fail(`cannot be written (${errnoReason(err)}${existing ? '' : ` in ${dir}`})`, err);
  }
}

/** The path itself, or the closest of its ancestors that exists. */
function nearestExisting(dir: string): string {
  let d = dir;
  for (;;) {
    try {
      lstatSync(d);
      return d;
    } catch {
      const parent = path.dirname(d);
      if (parent === d) return d;
      d = parent;
    }
  }
}

/**
 * Writes a file atomically: a temporary file beside it, then a rename, so that a reader never sees
 * half a document. Missing directories are created; a failure removes the temporary file.
 */
export function writeOutput(flag: string, file: string, contents: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileSync(tmp, contents);
    renameSync(tmp, file);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // Nothing was created where nothing can be removed.
    }
    throw new OutputPathError(flag, file, `cannot be written (${errnoReason(err)})`, { cause: err });
  }
}
