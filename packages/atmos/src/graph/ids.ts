/**
 * Identifiers for a diagram language: each wanted name made safe by `shape`, and made unique
 * with `_2`, `_3`, ... when two names come out the same (`a-b` and `a_b` in Mermaid). Names
 * are allocated in the diagram's sorted order, so the suffixes are stable too.
 */
export function idAllocator(shape: (wanted: string) => string): (wanted: string) => string {
  const taken = new Set<string>();
  return (wanted) => {
    const base = shape(wanted);
    let id = base;
    for (let n = 2; taken.has(id.toLowerCase()); n++) id = `${base}_${n}`;
    // Case-insensitive: Mermaid's keywords are, and two ids differing in case confuse readers.
    taken.add(id.toLowerCase());
    return id;
  };
}
