/** One line of the printed table and of `results/latest.json`. */
export interface BenchFigure {
  name: string;
  figure: number | string;
  unit: string;
  notes: string;
}

export class BenchFailure extends Error {
  override name = 'BenchFailure';
}
