// Small display helpers.
export const tokens = (n: number) => `${Math.round(n).toLocaleString("en")} TKN`;

export function timeAgo(ts: number | string, now = Date.now()): string {
  const t = typeof ts === "number" ? ts : Date.parse(ts);
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 45) return "just now";
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return new Date(t).toLocaleDateString("en", { day: "numeric", month: "short" });
}

export const clock = (ts: number) => new Date(ts).toLocaleTimeString("en", { hour: "2-digit", minute: "2-digit" });

/** Years between a YYYY-MM-DD birth date and today (UTC). */
export function ageFrom(birthDate: string, today = new Date()): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m) return NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let age = today.getUTCFullYear() - y;
  if (today.getUTCMonth() + 1 < mo || (today.getUTCMonth() + 1 === mo && today.getUTCDate() < d)) age--;
  return age;
}

export const roleLabel = (role: string) => role.replace("_", " ").replace(/\b\w/g, (c) => c.toUpperCase());
