// Port: turns what a user said in one session into durable facts worth remembering.
export interface ExtractedFact {
  /** Second person, one sentence: "Your name is Sam." */
  text: string;
  /** 0..1 */
  importance: number;
}

export interface FactExtractor {
  readonly kind: string;
  extract(userLines: readonly string[]): Promise<ExtractedFact[]>;
}
