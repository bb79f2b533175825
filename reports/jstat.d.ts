// The one part of jstat (no types of its own) that reports/interval.ts uses.
declare module 'jstat' {
  const jstat: { readonly jStat: { readonly studentt: { inv(probability: number, degreesOfFreedom: number): number } } };
  export default jstat;
}
