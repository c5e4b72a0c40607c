/**
 * A small re-implementation of PHP's query-string parsing (`parse_str` / `$_GET`), because the upstream is a
 * PHP (Laravel) application and array parameters only work the PHP way:
 *
 * - `key[]=a&key[]=b` builds an array `[a, b]`; `key[0]=a&key[1]=b` builds the same; `key[x]=a` a keyed entry.
 * - a bare key repeated (`key=a&key=b`) is NOT an array: the last value wins (`b`).
 * - a later bare key replaces an earlier array and vice versa (last assignment wins).
 * - `+` decodes to a space and `%XX` escapes are decoded; malformed escapes are kept literally (PHP `urldecode`).
 * - spaces and dots in the base name become `_`; a `[` without a closing `]` is kept as `_` + rest (PHP quirks).
 * - only one bracket level is modelled: `key[0][x]=v` is treated as `key[0]=v`.
 */

export class PhpArray {
  readonly entries = new Map<string, string>();
  private nextIndex = 0;

  push(value: string): void {
    this.entries.set(String(this.nextIndex), value);
    this.nextIndex++;
  }

  set(key: string, value: string): void {
    this.entries.set(key, value);
    // PHP advances the next free integer key past any canonical integer key.
    if (/^(0|-?[1-9]\d*)$/.test(key)) {
      const n = Number(key);
      if (n >= this.nextIndex) this.nextIndex = n + 1;
    }
  }

  values(): string[] {
    return [...this.entries.values()];
  }
}

export type PhpValue = string | PhpArray;
export type PhpParams = Map<string, PhpValue>;

/** PHP `urldecode`: `+` → space, `%XX` → byte, malformed escapes left as they are; bytes read as UTF-8. */
export function phpUrlDecode(input: string): string {
  if (!input.includes('%') && !input.includes('+')) return input;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < input.length; i++) {
    const ch = input[i] as string;
    if (ch === '+') {
      bytes.push(0x20);
    } else if (ch === '%' && /^[0-9a-fA-F]{2}$/.test(input.slice(i + 1, i + 3))) {
      bytes.push(parseInt(input.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const code = input.codePointAt(i) as number;
      const char = String.fromCodePoint(code);
      for (const b of encoder.encode(char)) bytes.push(b);
      if (char.length === 2) i++;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** Parses a raw query string (without the leading `?`) with PHP semantics. */
export function parsePhpQuery(raw: string): PhpParams {
  const out: PhpParams = new Map();
  for (const piece of raw.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const rawKey = eq < 0 ? piece : piece.slice(0, eq);
    const value = eq < 0 ? '' : phpUrlDecode(piece.slice(eq + 1));
    let key = phpUrlDecode(rawKey).replace(/^ +/, '');

    let base = key;
    let index: string | null | undefined; // undefined: bare key; null: `[]`; string: `[k]`
    const open = key.indexOf('[');
    if (open > 0) {
      const close = key.indexOf(']', open + 1);
      if (close < 0) {
        key = `${key.slice(0, open)}_${key.slice(open + 1)}`;
        base = key;
      } else {
        base = key.slice(0, open);
        const inner = key.slice(open + 1, close);
        index = inner === '' ? null : inner;
      }
    } else if (open === 0) {
      continue; // empty base name: PHP drops the pair
    }
    base = base.replace(/[ .]/g, '_');
    if (base === '') continue;

    if (index === undefined) {
      out.set(base, value);
      continue;
    }
    let arr = out.get(base);
    if (!(arr instanceof PhpArray)) {
      arr = new PhpArray();
      out.set(base, arr);
    }
    if (index === null) arr.push(value);
    else arr.set(index, value);
  }
  return out;
}
