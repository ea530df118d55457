/** Output names: DESIGN.md's "Outputs" contract. */
export const outputPaths = {
  handout: (slug: string, lang: string, paper: string, large = false) => `pdf/${slug}.${lang}.handout${large ? '-large' : ''}.${paper}.pdf`,
  /** kind: quiz | quiz-large | quiz-key; a version label (A, B…) when several are printed. */
  quizSheet: (slug: string, lang: string, paper: string, kind: 'quiz' | 'quiz-large' | 'quiz-key' = 'quiz', version?: string) =>
    `pdf/${slug}.${lang}.${kind}${version ? `-${version}` : ''}.${paper}.pdf`,
  gift: (slug: string, lang: string) => `quiz/${slug}.${lang}.gift.txt`,
  page: (slug: string, lang: string, primary: boolean) => `site/${slug}/${primary ? 'index' : `index.${lang}`}.html`,
  quizPage: (slug: string, lang: string, primary: boolean) => `site/${slug}/${primary ? 'quiz' : `quiz.${lang}`}.html`,
};
