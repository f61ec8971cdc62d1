/**
 * Atomic outputs. Files: write `<path>.tmp-<pid>-<rand>` then rename. Folders that form one
 * consistent version (tables/, split/): build `<ws>/.versions/<name>-<stamp>/`, then point the
 * symlink `<ws>/<name>` at it with one rename; a crash at any point leaves the previous version
 * visible. Older versions are removed after the swap.
 */
import { mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync, lstatSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

function tag(): string {
  return `${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
}

/** Writes `data` to `path` atomically (temp file in the same folder, then rename). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${tag()}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** A fresh folder `<ws>/.versions/<name>-<stamp>/` to build a new version of `<ws>/<name>` in. */
export function newVersionDir(ws: string, name: string): string {
  const dir = join(ws, '.versions', `${name}-${tag()}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Makes `<ws>/<name>` point at `versionDir` (built by newVersionDir) with one atomic rename of a
 * symlink, then deletes previous versions of `name`. A real folder at `<ws>/<name>` (not made by
 * us) is refused rather than deleted.
 */
export function publishVersion(ws: string, name: string, versionDir: string): void {
  const link = join(ws, name);
  if (existsSync(link) && !isSymlink(link)) {
    throw new Error(`publishVersion: ${link} exists and is not a symlink made by hgrec; move it away first`);
  }
  const target = join('.versions', basename(versionDir));
  const tmpLink = `${link}.tmp-${tag()}`;
  symlinkSync(target, tmpLink);
  renameSync(tmpLink, link);
  // garbage-collect old versions of this name (never the one just published)
  const vdir = join(ws, '.versions');
  for (const entry of readdirSync(vdir)) {
    if (entry.startsWith(`${name}-`) && entry !== basename(versionDir)) {
      rmSync(join(vdir, entry), { recursive: true, force: true });
    }
  }
}

/** Creates `<ws>/<linkName>` -> `target` once (no-op when it already points there). */
export function ensureSymlink(ws: string, linkName: string, target: string): void {
  const link = join(ws, linkName);
  if (isSymlink(link)) {
    if (readlinkSync(link) === target) return;
  } else if (existsSync(link)) {
    throw new Error(`ensureSymlink: ${link} exists and is not a symlink made by hgrec; move it away first`);
  }
  const tmpLink = `${link}.tmp-${tag()}`;
  symlinkSync(target, tmpLink);
  renameSync(tmpLink, link);
}

function isSymlink(p: string): boolean {
  try { return lstatSync(p).isSymbolicLink(); } catch { return false; }
}

/**
 * Builds a folder atomically: `fill(tmp)` writes into a fresh sibling temp folder, which then
 * replaces `dir` (old one moved aside, new one renamed in, old one removed). On any error the
 * temp folder is removed and `dir` is untouched.
 * @example writeDirAtomic('out/index', (tmp) => { writeFileSync(join(tmp, 'a.bin'), buf); return 1; })
 */
export function writeDirAtomic<T>(dir: string, fill: (tmp: string) => T): T {
  const target = resolve(dir), parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(target)}.${tag()}.tmp`);
  mkdirSync(tmp);
  try {
    const out = fill(tmp);
    let aside: string | null = null;
    if (existsSync(target)) {
      aside = join(parent, `.${basename(target)}.${tag()}.old`);
      renameSync(target, aside);
    }
    renameSync(tmp, target);
    if (aside) rmSync(aside, { recursive: true, force: true });
    return out;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
