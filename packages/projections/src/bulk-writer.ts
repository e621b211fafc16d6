// Multi-row INSERT / upsert statements for the projector's write path. Kysely builds the SQL once per
// (table, row count) for the current dialect, from sentinel values, and the template is checked to bind
// its parameters row-major in column order; each batch then only flattens its rows into a parameter
// array. Chunks are full-size or powers of two, so a table uses at most a dozen distinct statements
// (all of them stay prepared in the driver's statement cache).
// Given its column types (PostgreSQL), a table is written instead with one statement per batch that
// binds one array per column, `INSERT … SELECT unnest($1::bigint[]), unnest($2::text[]), …`: PostgreSQL
// then parses and plans a statement of `width` parameters instead of one of thousands, which is most of
// the server's CPU per row in the VALUES form. The unnests stand in the select list, where they run in
// lockstep row by row; `FROM unnest($1, $2, …)` would first copy every row into a tuplestore (a fifth
// of the server's CPU per row: decision 0955). The append-only tables of a batch are copied instead
// (`writeAll`, `COPY … FROM STDIN`: decision 0988).

import { CompiledQuery, type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database, TableName } from './schema.ts';

// biome-ignore lint/suspicious/noExplicitAny: the template builder is generic over every table.
type AnyDb = Kysely<any>;

/** Bound parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMS = 30_000;
/** Rows per full chunk: large enough to amortise a statement, small enough to prepare quickly. */
const MAX_ROWS = 512;

export type ConflictRule =
  | { readonly kind: 'none' }
  /**
   * Overwrite these columns (default: every non-key column) with the incoming value. Naming only the
   * columns that change keeps SQLite from rewriting index entries of columns that never do.
   */
  | {
      readonly kind: 'replace';
      readonly keys: readonly string[];
      readonly update?: readonly string[];
    }
  /**
   * Rows known to be stored: these columns are set by key. Written as an `UPDATE` through column
   * arrays (PostgreSQL), as a `replace` upsert otherwise. An upsert of a stored row first probes its
   * key, then locks the row (a WAL record) before updating it; an update does neither.
   */
  | {
      readonly kind: 'update';
      readonly keys: readonly string[];
      readonly update: readonly string[];
    }
  /** Custom merge: column → SQL expression over `excluded` and the stored row. */
  | {
      readonly kind: 'merge';
      readonly keys: readonly string[];
      readonly set: Readonly<Record<string, RawBuilder<unknown>>>;
    };

export interface TableWrite<T extends TableName> {
  readonly table: T;
  readonly columns: readonly (keyof Database[T] & string)[];
  readonly conflict: ConflictRule;
}

/**
 * The texts of the statements every batch runs (the column-array writes, the batch's fixed reads and
 * its state update), each with the name it is prepared under: a session parses and plans such a
 * statement once, then only binds and runs it (postgres-dialect.ts). The set is small and fixed.
 */
export const PREPARED_WRITES = new Map<string, string>();

/** Has PostgreSQL sessions prepare `text` (a statement every batch runs) under a name of its own. */
export function prepareEveryBatch(text: string): void {
  if (!PREPARED_WRITES.has(text))
    PREPARED_WRITES.set(text, `bourse_write_${PREPARED_WRITES.size + 1}`);
}

/** SQL type of each written column, by `table.column` (what PostgreSQL's `format_type` names). */
export type ColumnTypes = ReadonlyMap<string, string>;

export class BulkWriter {
  readonly #db: AnyDb;
  readonly #types: ColumnTypes | undefined;
  /** Each write's statements, by row count (`arrays` for the column-array form, `copy` for COPY). */
  readonly #templates = new Map<TableWrite<TableName>, Map<number | 'arrays' | 'copy', string>>();

  /** With `columnTypes`, every table is written through column arrays (PostgreSQL only). */
  constructor(db: Kysely<Database>, columnTypes?: ColumnTypes) {
    this.#db = db as AnyDb;
    this.#types = columnTypes;
  }

  /** Writes `rows` with as few statements as the parameter limit allows, through `exec`. */
  async write<T extends TableName>(
    exec: Kysely<Database>,
    spec: TableWrite<T>,
    rows: readonly Database[T][],
  ): Promise<void> {
    if (this.#types !== undefined) {
      if (rows.length > 0) await this.#writeArrays(exec, spec, rows, this.#types);
      return;
    }
    const width = spec.columns.length;
    const full = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / width)));
    let offset = 0;
    while (offset < rows.length) {
      const left = rows.length - offset;
      const n = left >= full ? full : highestPowerOfTwo(left);
      const query = CompiledQuery.raw(
        this.#template(spec, n),
        flatten(spec.columns, rows, offset, n),
      );
      await exec.executeQuery(query);
      offset += n;
    }
  }

  /**
   * Writes several append-only tables' rows. With column types (PostgreSQL), each non-empty table is
   * one `COPY … FROM STDIN` of its rows as text: the server parses the rows once and inserts them a
   * page at a time (one WAL record per heap page instead of one per row), where an `INSERT … SELECT
   * unnest(…)` parses an array literal per column, unnests it and inserts row by row.
   */
  async writeAll(exec: Kysely<Database>, parts: readonly TablePart[]): Promise<void> {
    if (this.#types === undefined || parts.some((p) => p.spec.conflict.kind !== 'none')) {
      for (const p of parts) await this.write(exec, p.spec, p.rows as never);
      return;
    }
    for (const p of parts) {
      if (p.rows.length === 0) continue;
      const data = copyText(p.spec.columns, p.rows);
      await exec.executeQuery(CompiledQuery.raw(this.#copyTemplate(p.spec), [data]));
    }
  }

  async #writeArrays<T extends TableName>(
    exec: Kysely<Database>,
    spec: TableWrite<T>,
    rows: readonly Database[T][],
    types: ColumnTypes,
  ): Promise<void> {
    const rule = spec.conflict;
    const columns = rule.kind === 'update' ? [...rule.keys, ...rule.update] : spec.columns;
    const query = CompiledQuery.raw(this.#arrayTemplate(spec, types), columnArrays(columns, rows));
    await exec.executeQuery(query);
  }

  #arrayTemplate<T extends TableName>(spec: TableWrite<T>, types: ColumnTypes): string {
    const cache = this.#cache(spec);
    const hit = cache.get('arrays');
    if (hit !== undefined) return hit;
    const rule = spec.conflict;
    const text =
      rule.kind === 'update'
        ? checkedArrayStatement(
            arrayUpdate(this.#db, spec, rule, types),
            rule.keys.length + rule.update.length,
            spec.table,
          )
        : checkedArrayStatement(
            this.#withConflict(arrayInsert(this.#db, spec, types), spec),
            spec.columns.length,
            spec.table,
          );
    cache.set('arrays', text);
    return text;
  }

  #copyTemplate(spec: TableWrite<TableName>): string {
    const cache = this.#cache(spec);
    const hit = cache.get('copy');
    if (hit !== undefined) return hit;
    const columns = spec.columns.map((c) => `"${c}"`).join(', ');
    const text = `copy "${spec.table}" (${columns}) from stdin`;
    COPY_WRITES.add(text);
    cache.set('copy', text);
    return text;
  }

  #cache<T extends TableName>(spec: TableWrite<T>): Map<number | 'arrays' | 'copy', string> {
    const key = spec as unknown as TableWrite<TableName>;
    let cache = this.#templates.get(key);
    if (cache === undefined) {
      cache = new Map();
      this.#templates.set(key, cache);
    }
    return cache;
  }

  #template<T extends TableName>(spec: TableWrite<T>, n: number): string {
    const cache = this.#cache(spec);
    const hit = cache.get(n);
    if (hit !== undefined) return hit;
    const width = spec.columns.length;
    const sentinels: Record<string, number>[] = [];
    for (let r = 0; r < n; r++) {
      const row: Record<string, number> = {};
      spec.columns.forEach((c, j) => {
        row[c] = r * width + j + 1;
      });
      sentinels.push(row);
    }
    const compiled = this.#withConflict(
      this.#db.insertInto(spec.table).values(sentinels),
      spec,
    ).compile();
    const params = compiled.parameters;
    // The flattening below relies on this binding order; a Kysely change must fail loudly here.
    if (params.length !== n * width || params.some((p, i) => p !== i + 1)) {
      throw new Error(`unexpected parameter order in the ${spec.table} insert template`);
    }
    cache.set(n, compiled.sql);
    return compiled.sql;
  }

  #withConflict(
    // biome-ignore lint/suspicious/noExplicitAny: Kysely's insert builder type is table-specific.
    q: any,
    spec: { readonly columns: readonly string[]; readonly conflict: ConflictRule },
  ): { compile(): CompiledQuery } {
    const rule = spec.conflict;
    if (rule.kind === 'none') return q;
    const keys = [...rule.keys];
    if (rule.kind === 'replace' || rule.kind === 'update') {
      const set: Record<string, RawBuilder<unknown>> = {};
      const update = rule.update ?? spec.columns.filter((c) => !rule.keys.includes(c));
      for (const c of update) set[c] = sql.ref(`excluded.${c}`);
      // biome-ignore lint/suspicious/noExplicitAny: see above.
      return q.onConflict((oc: any) => oc.columns(keys).doUpdateSet(set));
    }
    // biome-ignore lint/suspicious/noExplicitAny: see above.
    return q.onConflict((oc: any) => oc.columns(keys).doUpdateSet({ ...rule.set }));
  }
}

/** One table's rows for `writeAll`. */
export interface TablePart {
  readonly spec: TableWrite<TableName>;
  readonly rows: readonly object[];
}

export function tablePart<T extends TableName>(
  spec: TableWrite<T>,
  rows: readonly Database[T][],
): TablePart {
  return { spec: spec as unknown as TableWrite<TableName>, rows };
}

/** `INSERT INTO table (…) SELECT unnest($1::type[]), …`. */
function arrayInsert<T extends TableName>(
  db: AnyDb,
  spec: TableWrite<T>,
  types: ColumnTypes,
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's insert builder type is table-specific.
): any {
  const arrays = spec.columns.map((c, j) => {
    const type = types.get(`${spec.table}.${c}`);
    if (type === undefined) throw new Error(`no SQL type known for ${spec.table}.${c}`);
    return sql`unnest(${j + 1}::${sql.raw(type)}[])`;
  });
  return db
    .insertInto(spec.table)
    .columns([...spec.columns])
    .expression(sql`select ${sql.join(arrays)}`);
}

/**
 * `UPDATE table SET c = v.c, … FROM (SELECT unnest($1::type[]) AS key, …) AS v WHERE table.key = v.key`:
 * the keys' arrays first, then the updated columns'.
 */
function arrayUpdate(
  db: AnyDb,
  spec: { readonly table: string },
  rule: { readonly keys: readonly string[]; readonly update: readonly string[] },
  types: ColumnTypes,
): { compile(): CompiledQuery } {
  const arrays = [...rule.keys, ...rule.update].map((c, j) => {
    const type = types.get(`${spec.table}.${c}`);
    if (type === undefined) throw new Error(`no SQL type known for ${spec.table}.${c}`);
    return sql`unnest(${j + 1}::${sql.raw(type)}[]) as ${sql.ref(c)}`;
  });
  const set: Record<string, RawBuilder<unknown>> = {};
  for (const c of rule.update) set[c] = sql.ref(`v.${c}`);
  let q = db
    .updateTable(spec.table)
    .from(sql`(select ${sql.join(arrays)})`.as('v'))
    .set(set);
  for (const k of rule.keys) q = q.whereRef(`${spec.table}.${k}`, '=', `v.${k}`);
  return q;
}

/** The statement's text, once its parameters are checked to be `$1 … $width` in order; prepared. */
function checkedArrayStatement(
  q: { compile(): CompiledQuery },
  width: number,
  what: string,
): string {
  const compiled = q.compile();
  const params = compiled.parameters;
  // The column arrays are bound in this order; a Kysely change must fail loudly here.
  if (params.length !== width || params.some((p, i) => p !== i + 1)) {
    throw new Error(`unexpected parameter order in the ${what} array insert`);
  }
  prepareEveryBatch(compiled.sql);
  return compiled.sql;
}

function flatten(
  columns: readonly string[],
  rows: readonly object[],
  offset: number,
  n: number,
): unknown[] {
  const width = columns.length;
  const out: unknown[] = new Array(n * width);
  let k = 0;
  for (let r = offset; r < offset + n; r++) {
    const row = rows[r] as Record<string, unknown>;
    for (let j = 0; j < width; j++) {
      const v = row[columns[j] as string];
      out[k++] = v === undefined ? null : v;
    }
  }
  return out;
}

/**
 * One PostgreSQL array literal per column, in column order: the unnest statement's parameters.
 * Written here rather than by the driver, which quotes and escapes every element, numbers included,
 * through several calls each: that was the projector's largest cost after garbage collection.
 */
function columnArrays(columns: readonly string[], rows: readonly object[]): string[] {
  return columns.map((column) => {
    let out = '{';
    for (let r = 0; r < rows.length; r++) {
      if (r > 0) out += ',';
      out += arrayElement((rows[r] as Record<string, unknown>)[column]);
    }
    return `${out}}`;
  });
}

/**
 * The `COPY … FROM STDIN` statements the bulk writer runs: a PostgreSQL session sends the single
 * parameter of such a statement as the COPY's data (postgres-dialect.ts).
 */
export const COPY_WRITES = new Set<string>();

/**
 * Rows in COPY's text format: a line per row, tab-separated fields, `\N` for NULL, and `\`, tab,
 * newline and carriage return escaped with a backslash (what would otherwise end a field or a row).
 */
function copyText(columns: readonly string[], rows: readonly object[]): string {
  const width = columns.length;
  let out = '';
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Record<string, unknown>;
    for (let j = 0; j < width; j++) {
      const v = row[columns[j] as string];
      out += copyField(v);
      out += j === width - 1 ? '\n' : '\t';
    }
  }
  return out;
}

const COPY_SPECIAL = /[\\\t\n\r]/g;
const COPY_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};

function copyField(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  return String(v).replace(COPY_SPECIAL, (c) => COPY_ESCAPES[c] as string);
}

const QUOTED = /[\\"]/g;

/** An element of an array literal: NULL, a number as is, anything else quoted with `\` and `"` escaped. */
function arrayElement(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  return `"${String(v).replace(QUOTED, '\\$&')}"`;
}

function highestPowerOfTwo(x: number): number {
  let p = 1;
  while (p * 2 <= x) p *= 2;
  return p;
}
