import { describe, expect, it } from "vitest";
import { displayForm, fingerprint, matchForm } from "./normalize.ts";

describe("normalization used by every matcher", () => {
  it("removes invisible characters and folds look-alike Unicode", () => {
    expect(displayForm("ｈｅ\u200Bｌｌｏ\u202E")).toBe("hello");
  });

  it("folds leetspeak inside words but keeps numbers, ages and amounts", () => {
    expect(matchForm("h3ll0 w0rld").words).toEqual(["helo", "world"]);
    expect(matchForm("im 15 with 100 tokens, 15yo, 7th").words).toEqual(["im", "15", "with", "100", "tokens", "15yo", "7th"]);
    expect(matchForm("$ch00l @ccount").words).toEqual(["schol", "acount"]);
  });

  it("joins spaced-out letters and squashes repeats, but leaves short abbreviations", () => {
    expect(matchForm("h e l l o there").words).toEqual(["helo", "there"]);
    expect(matchForm("h e l l o there").runs).toEqual(["helo"]);
    expect(matchForm("e.g. fine").words).toEqual(["e", "g", "fine"]);
    expect(matchForm("sooooo 11").words).toEqual(["so", "11"]);
  });

  it("fingerprints repeats of one message alike", () => {
    expect(fingerprint("Hello  THERE!!!")).toBe(fingerprint("hello there"));
  });
});
