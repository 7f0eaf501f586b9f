/** Replaces every secret value in printed text with `***`. */
export class SecretMasker {
  private pattern: RegExp | undefined;

  constructor(secrets: Iterable<string>) {
    // Longest first, so a secret containing another is masked whole.
    const list = [...new Set(secrets)].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
    if (list.length > 0) this.pattern = new RegExp(list.map(escapeRegExp).join('|'), 'g');
  }

  mask(text: string): string {
    return this.pattern ? text.replace(this.pattern, '***') : text;
  }

  /** Masks a value's strings (for describe output). */
  maskValue(value: unknown): unknown {
    if (!this.pattern) return value;
    if (typeof value === 'string') return this.mask(value);
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
