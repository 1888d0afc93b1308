import { describe, expect, it } from "vitest";
import { SNIPPET_CLOSE as C, SNIPPET_OPEN as O } from "../bindings";
import { splitMatches, splitSnippet } from "./snippet";

describe("splitSnippet", () => {
  it("splits on the U+E000 / U+E001 delimiters", () => {
    expect(splitSnippet(`…moved the ${O}ledger${C} to ${O}Postgres${C} last spring…`)).toEqual([
      { text: "…moved the ", hit: false },
      { text: "ledger", hit: true },
      { text: " to ", hit: false },
      { text: "Postgres", hit: true },
      { text: " last spring…", hit: false },
    ]);
  });

  it("keeps markup as plain text", () => {
    expect(splitSnippet(`<script>alert(1)</script> ${O}<b>x</b>${C}`)).toEqual([
      { text: "<script>alert(1)</script> ", hit: false },
      { text: "<b>x</b>", hit: true },
    ]);
  });

  it("tolerates an unclosed hit, a stray closer and no hits at all", () => {
    expect(splitSnippet(`a ${O}b`)).toEqual([
      { text: "a ", hit: false },
      { text: "b", hit: true },
    ]);
    expect(splitSnippet(`a${C} b`)).toEqual([{ text: "a b", hit: false }]);
    expect(splitSnippet("plain")).toEqual([{ text: "plain", hit: false }]);
    expect(splitSnippet("")).toEqual([]);
  });
});

describe("splitMatches", () => {
  it("marks every case-insensitive occurrence", () => {
    expect(splitMatches("Postgres and postgres", "POSTGRES")).toEqual([
      { text: "Postgres", hit: true },
      { text: " and ", hit: false },
      { text: "postgres", hit: true },
    ]);
    expect(splitMatches("nothing here", " ")).toEqual([{ text: "nothing here", hit: false }]);
  });
});
