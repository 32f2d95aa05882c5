// A small filter language for the runs table, compiled to the MongoDB-style filter object the
// API takes (as wandb's Api does):
//   state = finished and config.lr > 0.001 and name ~ ^base
// Operators: = != > >= < <= ~ (regex). Values: numbers, true/false, or text (quotes optional).
// "summary.x" means "summary_metrics.x". A text starting with "{" is taken as raw JSON.

const OPS: Record<string, string | null> = { "=": null, "!=": "$ne", ">": "$gt", ">=": "$gte", "<": "$lt", "<=": "$lte", "~": "$regex" };

function value(raw: string): string | number | boolean {
  const t = raw.trim();
  if (/^(['"]).*\1$/.test(t)) return t.slice(1, -1);
  if (t === "true" || t === "false") return t === "true";
  if (t !== "" && !Number.isNaN(Number(t))) return Number(t);
  return t;
}

function field(raw: string): string {
  const f = raw.trim();
  if (f.startsWith("summary.")) return "summary_metrics." + f.slice(8);
  if (f === "name") return "display_name";
  return f;
}

/** Parse `expr`; returns the filter object, null for an empty expression, or throws Error. */
export function parseFilter(expr: string): object | null {
  const s = expr.trim();
  if (!s) return null;
  if (s.startsWith("{")) {
    const v = JSON.parse(s);
    if (typeof v !== "object" || Array.isArray(v) || v === null) throw new Error("filter JSON must be an object");
    return v;
  }
  const clauses = s.split(/\s+and\s+/i).map((c) => {
    const m = c.match(/^\s*([^\s=!<>~]+)\s*(>=|<=|!=|=|>|<|~)\s*(.*)$/);
    if (!m) throw new Error(`cannot read "${c}": use field op value, e.g. config.lr > 0.01`);
    const [, f, op, v] = m;
    const val = value(v);
    return OPS[op] === null ? { [field(f)]: val } : { [field(f)]: { [OPS[op]!]: op === "~" ? String(val) : val } };
  });
  return clauses.length === 1 ? clauses[0] : { $and: clauses };
}
