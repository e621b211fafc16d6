// Matches a method and path to a route: static paths through one map lookup (the hot order-entry paths),
// parameterised paths (`/markets/:market`) by segment comparison. A path that exists under another
// method answers 405 rather than 404.

export interface Match<T> {
  readonly route: T;
  readonly params: Record<string, string>;
}

interface Pattern<T> {
  readonly segments: readonly string[];
  readonly route: T;
}

export class Router<T> {
  readonly #static = new Map<string, Map<string, T>>();
  readonly #patterns = new Map<string, Pattern<T>[]>();

  add(method: string, path: string, route: T): void {
    if (!path.includes(':')) {
      let byMethod = this.#static.get(path);
      if (byMethod === undefined) this.#static.set(path, (byMethod = new Map()));
      byMethod.set(method, route);
      return;
    }
    const list = this.#patterns.get(method) ?? [];
    list.push({ segments: path.split('/'), route });
    this.#patterns.set(method, list);
  }

  /** The route, `'method'` when only another method matches, or undefined. */
  match(method: string, path: string): Match<T> | 'method' | undefined {
    const byMethod = this.#static.get(path);
    const exact = byMethod?.get(method);
    if (exact !== undefined) return { route: exact, params: {} };
    const segments = path.split('/');
    const found = this.#matchPatterns(this.#patterns.get(method), segments);
    if (found !== undefined) return found;
    if (byMethod !== undefined) return 'method';
    for (const [m, list] of this.#patterns) {
      if (m !== method && this.#matchPatterns(list, segments) !== undefined) return 'method';
    }
    return undefined;
  }

  #matchPatterns(list: Pattern<T>[] | undefined, segments: string[]): Match<T> | undefined {
    if (list === undefined) return undefined;
    outer: for (const p of list) {
      if (p.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      for (let i = 0; i < segments.length; i++) {
        const want = p.segments[i]!;
        const got = segments[i]!;
        if (want.startsWith(':')) {
          if (got === '') continue outer;
          try {
            params[want.slice(1)] = decodeURIComponent(got);
          } catch {
            continue outer;
          }
        } else if (want !== got) continue outer;
      }
      return { route: p.route, params };
    }
    return undefined;
  }
}
