// The README is the operator's manual: every configuration variable must be in its table.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { envDocs } from "../config/env.ts";

describe("README", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  it("keeps the two-command quick start", () => {
    expect(readme).toContain("npm install && npm start");
    expect(readme).toContain("npm test");
  });
  it("documents every environment variable", () => {
    for (const name of Object.keys(envDocs)) expect(readme, name).toContain(`| \`${name}\` |`);
  });
});
