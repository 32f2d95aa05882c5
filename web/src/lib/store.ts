// Per-project view preferences that do not belong in a shareable URL: run colours and hidden runs.
export function loadJSON<T>(key: string, dflt: T): T {
  try { const v = localStorage.getItem(key); return v ? (JSON.parse(v) as T) : dflt; } catch { return dflt; }
}

export function saveJSON(key: string, v: unknown): void {
  try { localStorage.setItem(key, JSON.stringify(v)); } catch { /* storage full or disabled */ }
}
