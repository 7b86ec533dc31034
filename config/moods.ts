// The mood system palette (SPEC §3): the mood of a room or user tints the UI.
export const MOODS = [
  { id: "chill", label: "Chill", color: "#38bdf8" },
  { id: "playful", label: "Playful", color: "#f472b6" },
  { id: "romantic", label: "Romantic", color: "#fb7185" },
  { id: "energetic", label: "Energetic", color: "#f59e0b" },
  { id: "mysterious", label: "Mysterious", color: "#8b5cf6" },
  { id: "cozy", label: "Cozy", color: "#f97316" },
  { id: "focused", label: "Focused", color: "#22c55e" },
  { id: "neutral", label: "Neutral", color: "#94a3b8" },
] as const;

export type Mood = (typeof MOODS)[number]["id"];
export const MOOD_IDS = MOODS.map((m) => m.id) as [Mood, ...Mood[]];
export const DEFAULT_MOOD: Mood = "neutral";
