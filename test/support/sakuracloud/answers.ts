// Answer overrides: the next matching requests are handled as usual, then their answer is
// rewritten (a field dropped or of the wrong type, a body that is not JSON), as a broken
// proxy or a changed API would answer. For the bad-input corpus.

/** Answer is what the server is about to send. */
export interface Answer {
  status: number;
  body: unknown;
}

/** AnswerOverride rewrites the answers of requests that match method and path (below api/cloud/1.1). */
export interface AnswerOverride {
  method?: string;
  path?: RegExp | string;
  /** How many answers to rewrite (default: all until removed). */
  times?: number;
  /** Returns the new answer; a string body is sent as it is, not as JSON. */
  rewrite(answer: Answer): Answer;
}

/** AnswerOverrides holds the overrides in the order they were added. */
export class AnswerOverrides {
  private readonly rules: Array<AnswerOverride & { left: number }> = [];

  /** add installs an override; the function it returns removes it. */
  add(o: AnswerOverride): () => void {
    const rule = { ...o, left: o.times ?? Infinity };
    this.rules.push(rule);
    return () => void this.rules.splice(this.rules.indexOf(rule) >>> 0, 1);
  }

  /** apply returns the answer as the first matching override rewrites it. */
  apply(method: string, path: string, answer: Answer): Answer {
    const rule = this.rules.find(
      (r) => r.left > 0 && (!r.method || r.method === method) && (!r.path || (typeof r.path === "string" ? r.path === path : r.path.test(path))),
    );
    if (!rule) return answer;
    rule.left--;
    return rule.rewrite(answer);
  }
}
