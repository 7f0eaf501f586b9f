/**
 * The yq subset Atmos users write after a function's arguments: paths `.a.b`, `.a["b-c"]`,
 * indexes `.list[0]`, `.` for the whole value, and `//` for a default (`.a.b // "none"`).
 */
export class QueryError extends Error {}

export function applyQuery(value: unknown, query: string): unknown {
  const [path, ...fallbacks] = splitDefault(query);
  const result = walk(value, path.trim());
  if ((result === undefined || result === null) && fallbacks.length > 0) return parseLiteral(fallbacks.join('//').trim());
  return result;
}

function splitDefault(query: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < query.length; i++) {
    const char = query[i];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '/' && query[i + 1] === '/') {
      parts.push(current);
      current = '';
      i++;
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

function walk(value: unknown, path: string): unknown {
  if (path === '' || path === '.') return value;
  if (!path.startsWith('.') && !path.startsWith('[')) throw new QueryError(`query "${path}" must start with "." (e.g. .vpc_id or .subnets[0])`);
  let current = value;
  const pattern = /\.([A-Za-z_][\w-]*)|\[(-?\d+)\]|\["([^"]*)"\]|\['([^']*)'\]|\.\["([^"]*)"\]/y;
  let index = 0;
  while (index < path.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(path);
    if (!match) throw new QueryError(`cannot read query "${path}" at "${path.slice(index)}"`);
    index = pattern.lastIndex;
    const key = match[1] ?? match[3] ?? match[4] ?? match[5];
    if (key !== undefined) {
      current = current !== null && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>)[key] : undefined;
    } else {
      const i = Number(match[2]);
      current = Array.isArray(current) ? current[i < 0 ? current.length + i : i] : undefined;
    }
  }
  return current;
}

function parseLiteral(text: string): unknown {
  if (/^".*"$/.test(text) || /^'.*'$/.test(text)) return text.slice(1, -1);
  if (text === 'null') return null;
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
