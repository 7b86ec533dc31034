// Turns the shared design tokens (config/tokens.ts, SPEC §3) and the mood palette
// (config/moods.ts) into Tailwind 4 CSS: an `@theme` block (colours, fonts, type scale) and the
// interaction utility. vite.config.ts writes it to src/lib/styles/theme.generated.css on every
// build and dev start, so the CSS can never drift from config/.
import { designTokens } from "../config/tokens.ts";
import { MOODS } from "../config/moods.ts";

/** Surfaces of the dark UI around the brand colour; not part of the shared tokens. */
const SURFACES = {
  night: "#0f0a1a",
  surface: "#1a1229",
  raised: "#241a38",
  line: "#3a2d55",
  ink: "#f5f3ff",
  muted: "#b9b0cf",
  danger: "#ef4444",
  success: "#22c55e",
};

const FALLBACK_SANS = `ui-sans-serif, system-ui, sans-serif`;
const FALLBACK_MONO = `ui-monospace, SFMono-Regular, Menlo, monospace`;

export function themeCss(): string {
  const t = designTokens;
  const [duration, easing] = t.interaction.transition.split(/\s+/);
  const colors = [
    ...Object.entries(t.colors).map(([name, value]) => `  --color-${name}: ${value};`),
    ...Object.entries(SURFACES).map(([name, value]) => `  --color-${name}: ${value};`),
    ...MOODS.map((m) => `  --color-mood-${m.id}: ${m.color};`),
  ];
  return [
    "/* Generated from config/tokens.ts and config/moods.ts by client/theme.ts — do not edit. */",
    "@theme {",
    `  --font-sans: "${t.fonts.sans}", ${FALLBACK_SANS};`,
    `  --font-mono: "${t.fonts.mono}", ${FALLBACK_MONO};`,
    ...colors,
    `  --default-transition-duration: ${duration};`,
    `  --default-transition-timing-function: ${easing};`,
    "}",
    "",
    "@layer base {",
    `  h1 { @apply ${t.type.h1.class}; }`,
    `  h2 { @apply ${t.type.h2.class}; }`,
    `  body { @apply ${t.type.body.class}; }`,
    "}",
    "",
    "/* SPEC §3 interaction states: hover lift, press, focus ring, 200 ms ease. */",
    "@utility interactive {",
    `  @apply transition duration-[${duration}] ease-[${easing}] hover:${t.interaction.hover} active:${t.interaction.active} focus-visible:outline-none focus-visible:ring-2 focus-visible:${t.interaction.focus} focus-visible:ring-offset-2 focus-visible:ring-offset-night;`,
    "}",
    "",
  ].join("\n");
}
