import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import ignore, { type Ignore } from 'ignore';

export interface FilterOptions {
  /** Glob patterns relative to the root; a pattern without `/` matches a name at any depth. */
  exclude?: string[];
  /** Leave out `.git` and `.mlw` folders (default true). */
  defaultExcludes?: boolean;
  /** Honour `.gitignore` files (and `.git/info/exclude`) as git does (default false). */
  gitignore?: boolean;
}

export const DEFAULT_EXCLUDES = ['.git', '.mlw'];

interface GitignoreLevel {
  base: string; // relative folder holding the .gitignore
  rules: Ignore;
}

/** Decides which paths below a root take part in the tree. */
export class PathFilter {
  private readonly globs: ((p: string) => boolean)[];
  private readonly gitignore: boolean;
  private readonly levels = new Map<string, GitignoreLevel | null>();

  constructor(private readonly root: string, readonly options: FilterOptions = {}) {
    const patterns = [...(options.defaultExcludes === false ? [] : DEFAULT_EXCLUDES), ...(options.exclude ?? [])];
    this.globs = patterns.map(p => {
      const pattern = p.replace(/\/+$/, '');
      return picomatch(pattern, { dot: true, basename: !pattern.includes('/') });
    });
    this.gitignore = options.gitignore === true;
    if (this.gitignore) {
      const info = readText(path.join(root, '.git', 'info', 'exclude'));
      if (info !== undefined) this.levels.set('\0info', { base: '', rules: ignore().add(info) });
    }
  }

  /** Call for each folder before asking about its entries; reads its .gitignore if any. */
  enterDir(relDir: string, hasGitignore: boolean): void {
    if (!this.gitignore || this.levels.has(relDir)) return;
    const text = hasGitignore ? readText(path.join(this.root, relDir, '.gitignore')) : undefined;
    this.levels.set(relDir, text === undefined ? null : { base: relDir, rules: ignore().add(text) });
  }

  isExcluded(relPath: string, isDir: boolean): boolean {
    if (this.globs.some(m => m(relPath))) return true;
    return this.gitignore && this.gitIgnored(relPath, isDir);
  }

  /** Later (deeper) .gitignore files override earlier ones, as in git. */
  private gitIgnored(relPath: string, isDir: boolean): boolean {
    let ignored = false;
    const parts = relPath.split('/');
    const candidates = ['\0info'];
    for (let i = 0; i < parts.length; i++) candidates.push(parts.slice(0, i).join('/'));
    for (const key of candidates) {
      const level = this.levels.get(key);
      if (!level) continue;
      const rel = level.base ? relPath.slice(level.base.length + 1) : relPath;
      const r = level.rules.test(isDir ? `${rel}/` : rel);
      if (r.ignored) ignored = true;
      else if (r.unignored) ignored = false;
    }
    return ignored;
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
