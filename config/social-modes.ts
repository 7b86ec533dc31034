// The 9 social modes of SPEC §2 that drive matching.
export const SOCIAL_MODES = [
  { id: "dater", label: "Dater", meaning: "Romantic connections, long-term" },
  { id: "swinger", label: "Swinger", meaning: "Lifestyle, couple swaps" },
  { id: "curious", label: "Curious", meaning: "Orienting, discovering vibes" },
  { id: "kink_explorer", label: "Kink Explorer", meaning: "Focused on BDSM and fetish" },
  { id: "content_creator", label: "Content Creator", meaning: "Produces and monetizes content" },
  { id: "viewer", label: "Viewer", meaning: "Consumes content, looks for entertainment" },
  { id: "polyamorous", label: "Polyamorous", meaning: "Several relationships in parallel" },
  { id: "open_relationship", label: "Open Relationship", meaning: "Open to shared experiences" },
  { id: "experimenting", label: "Experimenting", meaning: "Trying new scenarios" },
] as const;

export type SocialMode = (typeof SOCIAL_MODES)[number]["id"];
export const SOCIAL_MODE_IDS = SOCIAL_MODES.map((m) => m.id) as [SocialMode, ...SocialMode[]];
