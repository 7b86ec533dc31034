// Design foundations (SPEC §3) shared by the client's Tailwind theme and anything rendering UI.
export const designTokens = {
  fonts: { sans: "Inter", mono: "JetBrains Mono" },
  type: { h1: { size: "3rem", class: "text-5xl font-bold" }, h2: { size: "2.25rem", class: "text-4xl font-bold" }, body: { size: "1rem", class: "text-base" } },
  interaction: { hover: "-translate-y-0.5", active: "scale-95", focus: "ring-teezpurple", transition: "200ms ease" },
  colors: { teezpurple: "#7c3aed" },
} as const;
