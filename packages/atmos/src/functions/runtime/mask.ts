/** Replaces every secret value in printed text with `***`. */
export class SecretMasker {
  private pattern: RegExp | undefined;

  private readonly exact: Set<string>;

  constructor(secrets: Iterable<string>) {
    this.exact = new Set(secrets);
    // Every form a secret can be printed in: as is, JSON-escaped (`output -json`, with
    // terraform's \u003c-style HTML escapes), and line by line (output is masked per line).
    const forms = new Set<string>();
    for (const secret of this.exact) {
      forms.add(secret);
      const json = JSON.stringify(secret).slice(1, -1);
      forms.add(json);
      forms.add(json.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026'));
      for (const line of secret.split('\n')) forms.add(line.trim());
    }
    // Longest first, so a secret containing another is masked whole; very short forms would mask noise.
    const list = [...forms].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
    if (list.length > 0) this.pattern = new RegExp(list.map(escapeRegExp).join('|'), 'g');
  }

  mask(text: string): string {
    return this.pattern ? text.replace(this.pattern, '***') : text;
  }

  /** Masks a value's strings (for describe output). */
  maskValue(value: unknown): unknown {
    if (!this.pattern) return value;
    if (typeof value === 'string') return this.exact.has(value) ? '***' : this.mask(value);
    if (typeof value === 'number' || typeof value === 'boolean') return this.exact.has(String(value)) ? '***' : value;
    if (Array.isArray(value)) return value.map((item) => this.maskValue(item));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.maskValue(item)]));
    }
    return value;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
