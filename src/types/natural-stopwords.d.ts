/** natural's stop-word lists (util/stopwords*.js) ship without type declarations. */
declare module 'natural/lib/natural/util/stopwords*' {
  export const words: string[];
}
