// Demo data is SFW: plain personas and ordinary stream titles.
export const SEED_PASSWORD = "DemoPass2024";
